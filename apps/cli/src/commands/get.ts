/** `pure get JOB|BATCH --out DIR`: downloads output, heatmap, entropy log and summary, and text of each job. */
import { join } from 'node:path';
import { parseArgs } from 'node:util';
import type { JobView } from '@pure/contracts/job';
import { API_OPTIONS, clientFrom, type Command } from '../cli-context';
import { downloadJob } from '../download-job';
import { UsageError } from '../usage-error';

/** Runs `pure get`; each job lands in `DIR/<job id>/`. Exits 1 when any job has not succeeded. */
export const getCommand: Command = async (args, ctx) => {
  const { values, positionals } = parseArgs({ args, allowPositionals: true, options: { ...API_OPTIONS, out: { type: 'string' } } });
  if (positionals.length !== 1 || !values.out) throw new UsageError('usage: pure get JOB|BATCH --out DIR');
  const id = positionals[0];
  const client = clientFrom(values, ctx);
  let jobs: JobView[];
  if (id.startsWith('b_')) {
    const batch = await client.getBatch(id);
    jobs = [];
    for (const j of batch.jobs) jobs.push(await client.getJob(j.id));
  } else if (id.startsWith('j_')) {
    jobs = [await client.getJob(id)];
  } else {
    throw new UsageError(`${id}: expected a job id (j_...) or a batch id (b_...)`);
  }
  let missing = 0;
  for (const job of jobs) {
    if (job.status !== 'succeeded') {
      missing += 1;
      const why = job.error ? `: ${job.error.code}: ${job.error.message}` : '';
      ctx.stderr.write(`${job.id}: ${job.status}${why} (nothing to download)\n`);
      continue;
    }
    const files = await downloadJob(client, job, join(values.out, job.id));
    ctx.stdout.write(`${job.id}: ${files.dir}\n`);
  }
  return missing === 0 ? 0 : 1;
};
