/** The main thread's handle on the inference thread: start it, wait for the model, run jobs, cancel, shut down. */
import { EventEmitter } from 'node:events';
import { Worker } from 'node:worker_threads';
import { RetryableError } from '@pure/contracts/errors/retryable-error';
import type { RestoreParams } from '@pure/contracts/params';
import type { FromThread, ModelInfo, StopReason, ThreadConfig, TokenBatch, ToThread } from './protocol';
import type { GenerationCheckpoint, RestorePhase, RestoreRun } from './restorer';
import { fromWireError } from './wire-error';

const BOOTSTRAP = new URL('./bootstrap.mjs', import.meta.url);

/** Callbacks of one run; they run on the main thread, in message order. */
export interface RunHandlers {
  onProgress?(p: { phase: RestorePhase; done: number; total: number }): void;
  onTokens?(batch: TokenBatch): void;
  onCheckpoint?(c: GenerationCheckpoint): void;
}

interface Pending {
  handlers: RunHandlers;
  resolve(run: RestoreRun): void;
  reject(err: Error): void;
}

/** Emits `exit` (code) when the thread ends without being asked to. */
export class InferenceClient extends EventEmitter {
  /** Resolves with the model once loaded; rejects when loading fails (the worker then stays not ready). */
  readonly ready: Promise<ModelInfo>;
  private readonly thread: Worker;
  private readonly pending = new Map<string, Pending>();
  private stopping = false;
  private stopped: Promise<void>;

  constructor(config: ThreadConfig) {
    super();
    this.thread = new Worker(BOOTSTRAP, { workerData: config, stdout: false, stderr: false });
    let settle!: { resolve(m: ModelInfo): void; reject(e: Error): void };
    this.ready = new Promise<ModelInfo>((resolve, reject) => (settle = { resolve, reject }));
    this.ready.catch(() => undefined); // observed by the caller; never an unhandled rejection here
    this.stopped = new Promise((resolve) => this.thread.once('exit', () => resolve()));
    this.thread.on('message', (m: FromThread) => this.onMessage(m, settle));
    this.thread.on('error', (err) => settle.reject(err));
    this.thread.once('exit', (code) => {
      settle.reject(new Error(`inference thread exited (${code}) before the model loaded`));
      const lost = new RetryableError('model_error', `inference thread exited (${code}) during the run`);
      for (const p of this.pending.values()) p.reject(lost);
      this.pending.clear();
      if (!this.stopping) this.emit('exit', code);
    });
  }

  private onMessage(m: FromThread, settle: { resolve(m: ModelInfo): void; reject(e: Error): void }): void {
    switch (m.type) {
      case 'ready':
        return settle.resolve(m.model);
      case 'load-failed':
        return settle.reject(fromWireError(m.error));
      case 'stopped':
        return;
      default: {
        const p = this.pending.get(m.jobId);
        if (!p) return;
        if (m.type === 'progress') p.handlers.onProgress?.(m);
        else if (m.type === 'tokens') p.handlers.onTokens?.(m.batch);
        else if (m.type === 'checkpoint') p.handlers.onCheckpoint?.(m.checkpoint);
        else {
          this.pending.delete(m.jobId);
          if (m.type === 'result') p.resolve(m.run);
          else p.reject(fromWireError(m.error));
        }
      }
    }
  }

  private send(message: ToThread): void {
    this.thread.postMessage(message);
  }

  /** Restores `input`; resolves with the result, or rejects (AbortedRunError after `stop`). */
  run(jobId: string, input: Uint8Array, params: RestoreParams, checkpoint: GenerationCheckpoint | null, handlers: RunHandlers = {}): Promise<RestoreRun> {
    if (this.pending.has(jobId)) return Promise.reject(new Error(`job ${jobId} is already running on this thread`));
    return new Promise((resolve, reject) => {
      this.pending.set(jobId, { handlers, resolve, reject });
      this.send({ type: 'start', jobId, input, params, checkpoint });
    });
  }

  /** Stops a running job at its next step; its `run` rejects with AbortedRunError. */
  stop(jobId: string, reason: StopReason): void {
    if (this.pending.has(jobId)) this.send({ type: 'cancel', jobId, reason });
  }

  /** True while `jobId` runs here. */
  has(jobId: string): boolean {
    return this.pending.has(jobId);
  }

  /** Releases the sessions and ends the thread; terminates it if it does not end within `timeoutMs`. */
  async shutdown(timeoutMs = 10_000): Promise<void> {
    this.stopping = true;
    this.send({ type: 'shutdown' });
    const timer = setTimeout(() => void this.thread.terminate(), timeoutMs);
    await this.stopped;
    clearTimeout(timer);
  }
}
