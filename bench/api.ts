/**
 * `npm run bench -- api [rounds]`: submit throughput of the api (JSON base64 and multipart batches of 100
 * and 1,000 small images, end to end over HTTP: checks, S3 uploads, Redis hashes, enqueue) and
 * submit-to-enqueued latency of single submits, beside raw BullMQ `addBulk`/`add` on the same Redis as the
 * baseline. The goal compares the per-job Redis-side cost of a batch submit (job + batch hashes and the
 * `addBulk` with our job options: what a batch costs besides image bytes) with raw `addBulk` of the same
 * payloads. Starts its own redis-server and S3 server (s3rver) through the test harness.
 */
import { Queue } from 'bullmq';
import { DEFAULT_PARAMS } from '../packages/contracts/src/params';
import { RESTORE_QUEUE } from '../packages/contracts/src/queues';
import type { JobData } from '../packages/contracts/src/job';
import { restoreJobOptions } from '../packages/jobs/src/queues';
import { newBatchId, newJobId } from '../packages/jobs/src/ids';
import type { NewJob } from '../packages/jobs/src/job-record';
import { startApi, type RunningApi } from '../test/api/lib/start-api';
import { smallImage } from '../test/api/lib/images';
import { form } from '../test/api/lib/multipart';
import { median, percentile } from './lib/stats';

interface Row {
  what: string;
  jobs: number;
  jobsPerS: number;
  usPerJob: number;
  note: string;
}

const SIZES = [100, 1000];
const LATENCY_SAMPLES = 200;

function jobData(n: number, png: Buffer): { id: string; data: JobData }[] {
  const submittedAt = new Date().toISOString();
  return Array.from({ length: n }, () => {
    const id = newJobId();
    const input = { key: `bench/acme/jobs/${id}/input.png`, format: 'png' as const, bytes: png.length, width: 16, height: 16, sha256: 'a'.repeat(64) };
    return { id, data: { v: 1 as const, jobId: id, tenant: 'acme', input, params: { ...DEFAULT_PARAMS, seed: 7 }, submittedAt } };
  });
}

async function timed(fn: () => Promise<unknown>): Promise<number> {
  const t0 = performance.now();
  await fn();
  return performance.now() - t0;
}

async function best(rounds: number, fn: () => Promise<unknown>): Promise<number> {
  const ms: number[] = [];
  for (let r = 0; r < rounds; r++) ms.push(await timed(fn));
  return median(ms);
}

const row = (what: string, jobs: number, ms: number, note = ''): Row => ({ what, jobs, jobsPerS: (jobs / ms) * 1000, usPerJob: (ms * 1000) / jobs, note });

export default async function (args: string[]): Promise<void> {
  const rounds = Number(args[0] ?? 3);
  const api: RunningApi = await startApi({ dispatcher: false, env: { LOG_LEVEL: 'silent' } });
  const rows: Row[] = [];
  const ratios: string[] = [];
  try {
    const png = await smallImage('png', 16);
    const raw = new Queue(RESTORE_QUEUE.name, { connection: api.services.redis, prefix: `${api.prefix}-raw` });
    const json = (path: string, body: unknown) =>
      fetch(`${api.url}${path}`, { method: 'POST', headers: { ...api.auth('acme'), 'content-type': 'application/json' }, body: JSON.stringify(body) });

    for (const n of SIZES) {
      const rawMs = await best(rounds, () => raw.addBulk(jobData(n, png).map((j) => ({ name: RESTORE_QUEUE.name, data: j.data, opts: { jobId: j.id } }))));
      rows.push(row('baseline: raw BullMQ addBulk', n, rawMs, 'same JobData payloads'));
      const oursMs = await best(rounds, async () => {
        const jobs = jobData(n, png);
        const batchId = newBatchId();
        const records: NewJob[] = jobs.map((j) => ({ id: j.id, tenant: 'acme', params: j.data.params, input: j.data.input, createdAt: j.data.submittedAt }));
        await api.services.store.createBatch({ id: batchId, tenant: 'acme', createdAt: new Date().toISOString() }, records);
        await api.services.queues.restore.addBulk(jobs.map((j) => ({ name: RESTORE_QUEUE.name, data: { ...j.data, batchId }, opts: restoreJobOptions(j.id) })));
      });
      rows.push(row('ours: Redis side of a batch (hashes + addBulk)', n, oursMs, 'no HTTP, no image bytes'));
      ratios.push(`${n}: ${(oursMs / rawMs).toFixed(2)}x`);

      // Where the end-to-end time goes: the object store alone, at the api's upload concurrency.
      const putMs = await best(rounds, async () => {
        let next = 0;
        const one = async () => {
          while (next < n) await api.services.storage.put(`${api.prefix}/bench/${next++}-${Math.random()}`, png);
        };
        await Promise.all(Array.from({ length: 16 }, one));
      });
      rows.push(row('reference: S3 put alone (s3rver), 16 in flight', n, putMs, 'the upload share of a submit'));

      const items = Array.from({ length: n }, () => ({ input: { base64: png.toString('base64') } }));
      const jsonMs = await best(rounds, async () => {
        const res = await json('/v1/batches', { items });
        if (res.status !== 202) throw new Error(`JSON batch answered ${res.status}: ${await res.text()}`);
      });
      rows.push(row('ours: POST /v1/batches JSON base64', n, jsonMs, `${png.length} B PNGs; checks + S3 + Redis`));
      const images = Array.from({ length: n }, () => png);
      const multipartMs = await best(rounds, async () => {
        const res = await fetch(`${api.url}/v1/batches`, { method: 'POST', headers: api.auth('acme'), body: form(images) });
        if (res.status !== 202) throw new Error(`multipart batch answered ${res.status}: ${await res.text()}`);
      });
      rows.push(row('ours: POST /v1/batches multipart', n, multipartMs, `${png.length} B PNGs; checks + S3 + Redis`));
    }

    // Submit-to-enqueued latency: a single submit's 202 is sent after its job is in the queue.
    const body = { input: { base64: png.toString('base64') } };
    const ours: number[] = [];
    for (let i = 0; i < LATENCY_SAMPLES; i++) ours.push(await timed(() => json('/v1/jobs', body).then((r) => r.arrayBuffer())));
    const base: number[] = [];
    const one = jobData(LATENCY_SAMPLES, png);
    for (const j of one) base.push(await timed(() => raw.add(RESTORE_QUEUE.name, j.data, { jobId: j.id })));
    await raw.close();

    console.log(`| what | jobs | jobs/s | µs/job | note |`);
    console.log(`| --- | ---: | ---: | ---: | --- |`);
    for (const r of rows) console.log(`| ${r.what} | ${r.jobs} | ${r.jobsPerS.toFixed(0)} | ${r.usPerJob.toFixed(1)} | ${r.note} |`);
    console.log('');
    console.log(`| submit-to-enqueued latency (${LATENCY_SAMPLES} sequential) | p50 ms | p99 ms |`);
    console.log(`| --- | ---: | ---: |`);
    console.log(`| baseline: raw BullMQ add | ${percentile(base, 50).toFixed(2)} | ${percentile(base, 99).toFixed(2)} |`);
    console.log(`| ours: POST /v1/jobs JSON base64 (HTTP, checks, S3 put, Redis) | ${percentile(ours, 50).toFixed(2)} | ${percentile(ours, 99).toFixed(2)} |`);
    console.log('');
    const json1000 = rows.find((r) => r.what.includes('JSON') && r.jobs === 1000)!;
    console.log(
      `headline: Redis-side cost of a batch submit vs raw addBulk per job: ${ratios.join(', ')} (goal < 2x); ` +
        `end to end JSON batch of 1000 small images: ${json1000.jobsPerS.toFixed(0)} jobs/s; single submit p50 ${percentile(ours, 50).toFixed(1)} ms`,
    );
  } finally {
    await api.stop();
  }
}
