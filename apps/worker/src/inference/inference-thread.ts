/**
 * Entry of the inference thread (started through bootstrap.mjs): loads the model package once, keeps its
 * sessions for the life of the process, and runs restores on request.
 */
import { createHash } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { parentPort, workerData } from 'node:worker_threads';
import { loadPackage } from './load-package';
import type { FromThread, ThreadConfig, ToThread } from './protocol';
import type { CreateRestorer, Restorer } from './restorer';
import { runThreadJob } from './thread-job';
import { toWireError } from './wire-error';

const port = parentPort;
if (!port) throw new Error('inference-thread.ts runs inside a worker thread');
// workerData is built by InferenceClient from the parsed env; it crosses a structured clone, not the network.
const config = workerData as ThreadConfig;
const post = (message: FromThread, transfer: ArrayBuffer[] = []) => port.postMessage(message, transfer);
const running = new Map<string, AbortController>();
let restorer: Restorer | null = null;
let ready: Promise<void> | null = null;

async function load(): Promise<void> {
  const t0 = performance.now();
  try {
    const pkg = await loadPackage(config);
    const mod = (await import(config.restorerModule)) as { createRestorer?: CreateRestorer };
    if (typeof mod.createRestorer !== 'function') throw new Error(`${config.restorerModule} exports no createRestorer`);
    restorer = await mod.createRestorer(pkg, { ep: config.ep, ...(config.threads > 0 ? { threads: config.threads } : {}) });
    const m = restorer.manifest;
    const sha256 = createHash('sha256').update(readFileSync(join(pkg.dir, 'manifest.json'))).digest('hex');
    post({
      type: 'ready',
      model: { name: m.name, sha256, dir: pkg.dir, grid: m.image.size / m.image.downsample, imageSize: m.image.size, loadSeconds: (performance.now() - t0) / 1000 },
    });
  } catch (err) {
    post({ type: 'load-failed', error: { ...toWireError(err), retryable: false } });
  }
}

async function shutdown(): Promise<void> {
  for (const controller of running.values()) controller.abort(new Error('inference thread shutting down'));
  await ready;
  await restorer?.dispose().catch(() => undefined);
  post({ type: 'stopped' });
  port!.close();
}

port.on('message', (message: ToThread) => {
  if (message.type === 'start') {
    if (!restorer) {
      post({ type: 'error', jobId: message.jobId, error: { name: 'Error', message: 'model not loaded', code: 'model_error', retryable: true, aborted: false } });
      return;
    }
    const controller = new AbortController();
    running.set(message.jobId, controller);
    void runThreadJob(restorer, message, controller.signal, post, config.rowDelayMs).finally(() => running.delete(message.jobId));
  } else if (message.type === 'cancel') {
    running.get(message.jobId)?.abort(new Error(`stopped: ${message.reason}`));
  } else if (message.type === 'shutdown') {
    void shutdown();
  }
});

ready = load();
