/** Where a job's objects live: `{prefix}/{tenant}/jobs/{jobId}/...` (ARCHITECTURE.md, storage layout). */
import { NonRetryableError } from '@pure/contracts/errors/non-retryable-error';

/** The object keys of one job. Every key is a full bucket key (the configured prefix included). */
export interface JobKeys {
  /** `{prefix}/{tenant}/jobs/{jobId}/`, with the trailing slash: the argument for `deletePrefix`/`list`. */
  dir: string;
  /** The stored input, e.g. `input('png')`. */
  input(ext: string): string;
  /** The restored image, e.g. `output('webp')`. */
  output(ext: string): string;
  /** Per-image-token entropies, float32 little-endian, one per image token in generation order. */
  entropyLog: string;
  /** Summary of the entropy log (JSON). */
  entropySummary: string;
  /** Entropy heatmap PNG (like Fig. 3 of the paper). */
  entropyMap: string;
  /** The durable record of the job (params, model, text, timings, checksums, resumption). */
  manifest: string;
}

const SEGMENT = /^[A-Za-z0-9][A-Za-z0-9._-]{0,127}$/;
const EXT = /^[a-z0-9]{1,8}$/;

/** Refuses a tenant or job id that could escape its folder (`/`, `..`, empty) rather than storing it somewhere odd. */
function segment(what: string, value: string): string {
  if (!SEGMENT.test(value)) {
    throw new NonRetryableError('invalid_job_data', `${what} ${JSON.stringify(value)} is not a safe key segment`);
  }
  return value;
}

function extension(ext: string): string {
  if (!EXT.test(ext)) {
    throw new NonRetryableError('invalid_job_data', `file extension ${JSON.stringify(ext)} is not allowed`);
  }
  return ext;
}

/** A prefix without leading or trailing slashes (`''` for none). */
export function normalizePrefix(prefix: string): string {
  return prefix.replace(/^\/+|\/+$/g, '');
}

/** Joins key parts with `/`, skipping an empty prefix. */
export function joinKey(...parts: string[]): string {
  return parts.filter((p) => p !== '').join('/');
}

/** `{prefix}/{tenant}/` (with the trailing slash): every object of one tenant. */
export function tenantDir(prefix: string, tenant: string): string {
  return `${joinKey(normalizePrefix(prefix), segment('tenant', tenant))}/`;
}

/**
 * The keys of one job.
 * @example jobKeys('prod', 'acme', 'j1').output('png') // 'prod/acme/jobs/j1/output.png'
 */
export function jobKeys(prefix: string, tenant: string, jobId: string): JobKeys {
  const dir = `${tenantDir(prefix, tenant)}jobs/${segment('job id', jobId)}/`;
  return {
    dir,
    input: (ext) => `${dir}input.${extension(ext)}`,
    output: (ext) => `${dir}output.${extension(ext)}`,
    entropyLog: `${dir}entropy.f32`,
    entropySummary: `${dir}entropy.json`,
    entropyMap: `${dir}entropy.png`,
    manifest: `${dir}manifest.json`,
  };
}
