/**
 * Loopback `/metrics` endpoints serving the real @pure/telemetry metric groups with a little of everything
 * recorded, so every dashboard query has series to read without running the api and a worker.
 */
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { Registry } from 'prom-client';
import { ApiMetrics } from '@pure/telemetry/api-metrics';
import { StorageMetrics } from '@pure/telemetry/storage-metrics';
import { WorkerMetrics } from '@pure/telemetry/worker-metrics';

/** A running endpoint: `target` is `127.0.0.1:<port>` for a scrape config. */
export interface MetricsEndpoint {
  target: string;
  close(): Promise<void>;
}

function serve(register: Registry): Promise<MetricsEndpoint> {
  const server: Server = createServer((req, res) => {
    if (req.url !== '/metrics') return void res.writeHead(404).end();
    register.metrics().then(
      (text) => res.writeHead(200, { 'content-type': register.contentType }).end(text),
      (err) => res.writeHead(500).end(String(err)),
    );
  });
  return new Promise((resolve) => {
    server.listen(0, '127.0.0.1', () => {
      const { port } = server.address() as AddressInfo;
      resolve({ target: `127.0.0.1:${port}`, close: () => new Promise((done) => server.close(() => done())) });
    });
  });
}

/** An api's metrics after a few submits, requests, webhook attempts and with two watched queues. */
export function apiEndpoint(): Promise<MetricsEndpoint> {
  const register = new Registry();
  const api = new ApiMetrics({ register });
  new StorageMetrics({ register }).onRetry({ operation: 'put' });
  for (const outcome of ['accepted', 'rejected']) api.jobsSubmitted.inc({ outcome });
  api.batchesSubmitted.inc({ outcome: 'accepted' });
  api.submitDuration.observe({ kind: 'batch' }, 0.2);
  api.observeRequest('POST', '/v1/batches', 202, 0.2);
  api.observeRequest('GET', '/v1/jobs/:id', 500, 0.01);
  for (const outcome of ['delivered', 'retrying']) {
    api.webhookDeliveries.inc({ outcome, event: 'job.succeeded' });
    api.webhookDuration.observe({ outcome }, 0.05);
  }
  api.watchQueue('restore', { counts: async () => ({ waiting: 7, prioritized: 1, active: 2, delayed: 0 }), backlogSeconds: () => 896 });
  api.watchQueue('webhooks', { counts: async () => ({ waiting: 0, active: 1 }) });
  return serve(register);
}

/** A worker's metrics after one resumed, succeeded job of one text and two image rows. */
export function workerEndpoint(): Promise<MetricsEndpoint> {
  const register = new Registry();
  const worker = new WorkerMetrics({ register, model: 'tiny' });
  new StorageMetrics({ register }).onRetry({ operation: 'get' });
  worker.modelLoaded(1.5);
  worker.jobStarted(3);
  worker.resumed(65);
  worker.tokens('text', 20, 0.5);
  worker.tokens('image', 130, 2);
  worker.tokenStats([0.3, 2.5, 7.1], [1, 40, 1500]);
  worker.checkpoint();
  for (const phase of ['preprocess', 'text', 'image', 'decode', 'upload']) worker.phase(phase, 0.5);
  worker.jobFinished('succeeded', 4);
  worker.jobFinished('interrupted', 1);
  worker.jobFinished('failed', 1);
  return serve(register);
}
