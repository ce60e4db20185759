/** The end of a good attempt: every artifact and the manifest stored, then `succeeded`, then its events. */
import type { JobData } from '@pure/contracts/job';
import type { ResultRecord } from '@pure/contracts/job-manifest';
import type { Logger } from '@pure/telemetry/logger';
import type { RestoreRun } from '../inference/restorer';
import { artifactKeys, storeArtifacts } from './artifacts';
import type { JobDeps } from './job-deps';
import type { JobFinisher } from './job-finisher';

const since = (t0: number) => (performance.now() - t0) / 1000;

/** Stores, records and announces a restored job; throws (retryably) when S3 or Redis stay down. */
export async function succeed(
  deps: JobDeps,
  finisher: JobFinisher,
  data: JobData,
  run: RestoreRun,
  at: { download: number; started: number },
  log: Logger,
): Promise<void> {
  const { result } = run;
  const { metrics, store } = deps;
  await store.setProgress(data.jobId, { phase: 'upload', done: 0, total: 1 });
  let t = performance.now();
  const keys = artifactKeys(deps.storage, data);
  const checksums = await storeArtifacts(deps.storage, keys, result);
  const resumed = result.tokens.resumed;
  const record: ResultRecord = {
    artifacts: keys,
    format: result.format,
    width: result.width,
    height: result.height,
    degradation: result.text.degradation,
    caption: result.text.caption,
    stats: {
      textTokens: result.tokens.text,
      imageTokens: result.tokens.image,
      resumedTokens: resumed,
      meanEntropy: result.entropy.summary.entropy.mean,
      meanK: result.entropy.summary.k.mean,
      seconds: since(at.started),
    },
  };
  const timings: Record<string, number> = {
    download: at.download,
    ...result.timings,
    ...run.phaseSeconds,
    restore: run.restoreSeconds,
    upload: since(t),
  };
  const jobRecord = await store.get(data.jobId);
  await finisher.writeManifest(data, jobRecord, 'succeeded', {
    result: record,
    checksums,
    timings: { ...timings, total: since(at.started) },
    extras: { text: result.text, resumption: { resumed: resumed > 0, tokensSaved: resumed, checkpointDropped: run.checkpointDropped } },
  });
  const upload = since(t);
  t = performance.now();
  const won = await finisher.settle(data.jobId, 'succeeded', { result: { ...record, stats: { ...record.stats, seconds: since(at.started) } } });

  // Metrics once the job is safely stored. Text tokens came from the checkpoint when the attempt resumed.
  if (resumed > 0) metrics.resumed(resumed);
  else metrics.tokens('text', result.tokens.text, run.phaseSeconds.text);
  for (const phase of ['preprocess', 'text', 'image', 'decode'] as const) {
    if (run.phaseSeconds[phase] !== undefined) metrics.phase(phase, run.phaseSeconds[phase]);
  }
  metrics.phase('upload', upload);
  log.info({ won, resumedTokens: resumed, upload, bookkeeping: since(t), restore: run.restoreSeconds }, 'job succeeded');
}
