/** The `model` metric label of a worker, known before the package loads: its name or its folder's last part. */
import { basename } from 'node:path';

/** `tiny` -> `tiny`; `/models/pure-7b/` -> `pure-7b`; `s3://bucket/models/pure-7b` -> `pure-7b`. */
export function modelLabel(location: string): string {
  const trimmed = location.replace(/\/+$/, '');
  return basename(trimmed) || trimmed;
}
