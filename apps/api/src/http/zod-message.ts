/** One readable line per zod issue, naming the field, for `{error:{message}}`. */
import type { z } from 'zod';

/** `params.kMin: kMin (5) must be <= kMax (2)`; issues joined with `; `. */
export function zodMessage(error: z.ZodError, root = ''): string {
  return error.issues
    .slice(0, 5)
    .map((i) => {
      const path = i.path.reduce<string>((acc, seg) => (typeof seg === 'number' ? `${acc}[${seg}]` : acc ? `${acc}.${String(seg)}` : String(seg)), root);
      return path ? `${path}: ${i.message}` : i.message;
    })
    .join('; ');
}

/** True when every issue is under `params` (so the code is invalid_params rather than invalid_request). */
export function isParamsIssue(error: z.ZodError): boolean {
  return error.issues.every((i) => i.path.includes('params'));
}
