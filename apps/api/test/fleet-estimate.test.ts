import { test, after, before } from 'node:test';
import assert from 'node:assert/strict';
import { Redis } from 'ioredis';
import { Queue, Worker } from 'bullmq';
import { startRedis, uniquePrefix, type RedisServer } from '../../../test/harness/index';
import { FleetEstimate, type FleetSnapshot } from '../src/views/fleet-estimate';

const snap = (s: Partial<FleetSnapshot>): FleetSnapshot => ({ secondsPerJob: 200, workers: 4, waiting: 10, ...s });

test('ETAs from seconds per image, workers and the wait list (hand-computed)', () => {
  // 10 waiting on 4 workers: 3 rounds ahead, then its own: 4 x 200 s.
  assert.equal(FleetEstimate.jobEta({ status: 'queued', progress: null }, snap({})), 800);
  // A quarter of the image done: three quarters of 200 s left.
  assert.equal(FleetEstimate.jobEta({ status: 'running', progress: { phase: 'image', done: 1024, total: 4096 } }, snap({})), 150);
  assert.equal(FleetEstimate.jobEta({ status: 'running', progress: { phase: 'text', done: 0, total: 1 } }, snap({})), 200);
  assert.equal(FleetEstimate.jobEta({ status: 'succeeded', progress: null }, snap({})), null);
  assert.equal(FleetEstimate.jobEta({ status: 'queued', progress: null }, snap({ secondsPerJob: null })), null);
  assert.equal(FleetEstimate.jobEta({ status: 'queued', progress: null }, snap({ workers: 0 })), null);
  // Its place known, rounds = ceil((ahead + 1) / 4) + 1: first in line (or 4th) waits out the running round,
  // then runs: 2 x 200 s; with 4 ahead it is in the second round: 3 x 200 s; 9 ahead is the last of the 10
  // waiting: 4 x 200 s, as above. A batch's ETA is its last queued job's.
  const queued = { status: 'queued' as const, progress: null };
  assert.equal(FleetEstimate.jobEta(queued, snap({}), 0), 400);
  assert.equal(FleetEstimate.jobEta(queued, snap({}), 3), 400);
  assert.equal(FleetEstimate.jobEta(queued, snap({}), 4), 600);
  assert.equal(FleetEstimate.jobEta(queued, snap({}), 9), 800);
  assert.equal(FleetEstimate.batchEta({ queued: 3, running: 1, completedAt: null }, snap({}), 5), 600);
  // Backlog: 10 x 200 s over 4 workers.
  assert.equal(FleetEstimate.backlogSeconds(snap({})), 500);
  assert.equal(FleetEstimate.backlogSeconds(snap({ waiting: 0, secondsPerJob: null })), 0);
  assert.equal(FleetEstimate.batchEta({ queued: 0, running: 2, completedAt: null }, snap({})), 200);
  assert.equal(FleetEstimate.batchEta({ queued: 0, running: 0, completedAt: '2026-01-01T00:00:00.000Z' }, snap({})), null);
});

let redis: RedisServer;
before(async () => {
  redis = await startRedis();
});
after(async () => redis?.stop());

test('the snapshot reads completed attempts and connected workers from a real BullMQ queue', async () => {
  const connection = new Redis(redis.url, { maxRetriesPerRequest: null });
  const prefix = uniquePrefix('fleet');
  const queue = new Queue('restore', { connection, prefix });
  const durations: number[] = [];
  const workerConnection = connection.duplicate();
  const worker = new Worker(
    'restore',
    async (job) => {
      // Each job holds its attempt for a different, known time; no clock is asserted, only the median pick.
      await new Promise((r) => setTimeout(r, job.data.ms));
    },
    { connection: workerConnection, prefix, autorun: false },
  );
  const finished = new Promise<void>((resolve) => {
    worker.on('completed', (job) => {
      durations.push((job.finishedOn! - job.processedOn!) / 1000);
      if (durations.length === 3) resolve();
    });
  });
  try {
    await queue.addBulk([20, 60, 120].map((ms, i) => ({ name: 'r', data: { ms }, opts: { jobId: `j${i}` } })));
    void worker.run();
    await finished;
    await worker.pause(true);
    await queue.addBulk(['w1', 'w2'].map((jobId) => ({ name: 'r', data: { ms: 0 }, opts: { jobId } })));
    const s = await new FleetEstimate(queue, connection).snapshot();
    const median = [...durations].sort((a, b) => a - b)[1];
    assert.equal(s.secondsPerJob, median);
    assert.equal(s.workers, 1);
    assert.equal(s.waiting, 2);
    // Workers pop from the right of the wait list: w1 (added first) starts first.
    const fleet = new FleetEstimate(queue, connection);
    assert.equal(await fleet.ahead('w1'), 0);
    assert.equal(await fleet.ahead('w2'), 1);
    assert.equal(await fleet.ahead('j0'), null);
  } finally {
    await worker.close();
    await queue.close();
    workerConnection.disconnect();
    connection.disconnect();
  }
});
