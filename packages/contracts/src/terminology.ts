/**
 * Terminology shared by every part of pure-serve. One word, one meaning:
 *
 * - job: one image to restore, submitted by one tenant; has an id (`j_...`), params, an input object in S3
 *   and, once finished, artifacts. It ends in exactly one final state: succeeded, failed or canceled.
 * - batch: a set of jobs submitted together (`b_...`); it completes once every job in it is final, and
 *   announces that exactly once (`batch.completed`).
 * - attempt: one try of a job by one worker. A crash, a stall or a drain ends an attempt; the next attempt
 *   resumes from the job's checkpoint.
 * - tenant: the owner of an API key; a tenant never sees another tenant's jobs.
 * - model package: a folder or `s3://` prefix with `manifest.json`, ONNX files and `tokenizer.json`;
 *   every size and special id the pipeline uses comes from its manifest.
 * - session: an onnxruntime inference session over one ONNX file, kept for the life of a worker.
 * - artifact: a file a job leaves in S3: output image, entropy log and summary, heatmap, manifest.
 * - checkpoint: the generated token prefix of a running job (plus text, entropies, chosen k, sampler
 *   counter), saved to Redis once per image row so a retried job resumes instead of starting over.
 * - event: a webhook payload `{type, timestamp, data}` queued for delivery to the tenant's endpoint.
 */
export const TERMS = ['job', 'batch', 'attempt', 'tenant', 'model package', 'session', 'artifact', 'checkpoint', 'event'] as const;
