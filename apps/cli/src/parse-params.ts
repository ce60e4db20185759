/** Turns repeated `--param k=v` flags into restoration params, checked with the contract's schema. */
import { ParamsInput } from '@pure/contracts/params';
import { UsageError } from './usage-error';

function value(raw: string): unknown {
  if (raw === 'true') return true;
  if (raw === 'false') return false;
  // Numbers as JSON writes them; anything else (e.g. `output=webp`) stays a string.
  if (/^-?\d+(\.\d+)?(e[+-]?\d+)?$/i.test(raw)) return Number(raw);
  return raw;
}

/**
 * Parses `['cfg=1.2', 'output=webp']` into `{cfg: 1.2, output: 'webp'}`; a malformed pair or a value the
 * api would refuse throws a UsageError naming it.
 * @example parseParams(['seed=7', 'colorFix=false']) // { seed: 7, colorFix: false }
 */
export function parseParams(pairs: readonly string[]): ParamsInput {
  const out: Record<string, unknown> = {};
  for (const pair of pairs) {
    const i = pair.indexOf('=');
    if (i < 1) throw new UsageError(`--param ${JSON.stringify(pair)}: expected name=value, e.g. --param cfg=0.8`);
    out[pair.slice(0, i)] = value(pair.slice(i + 1));
  }
  const parsed = ParamsInput.safeParse(out);
  if (!parsed.success) {
    const issues = parsed.error.issues.map((i) => `${i.path.join('.') || 'params'}: ${i.message}`).join('; ');
    throw new UsageError(`bad --param: ${issues}`);
  }
  // Send what the user wrote, not the defaults zod filled in: the server applies its own.
  return out as ParamsInput;
}
