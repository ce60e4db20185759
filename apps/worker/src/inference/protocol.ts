/**
 * Messages between the main thread and the inference thread. Inference runs off the main thread so BullMQ
 * can renew locks while onnxruntime blocks its own thread (ARCHITECTURE.md decision 2).
 */
import type { ErrorCode } from '@pure/contracts/error-codes';
import type { RestoreParams } from '@pure/contracts/params';
import type { ExecutionProvider } from '@pure/model/session';
import type { GenerationCheckpoint, RestorePhase, RestoreRun } from './restorer';

/** What the thread is started with (its `workerData`). */
export interface ThreadConfig {
  /** A package folder, an `s3://bucket/prefix`, or a tiny package name. */
  model: string;
  modelCacheDir: string;
  ep: ExecutionProvider;
  /** 0 lets ORT choose. */
  threads: number;
  /** Module exporting `createRestorer` (default `@pure/pipeline/restore`). */
  restorerModule: string;
  /** S3 settings, for `s3://` packages. */
  storage: { endpoint: string; region: string; accessKeyId: string; secretAccessKey: string; forcePathStyle: boolean };
  /** tests: pause after each image row. */
  rowDelayMs: number;
}

/** The loaded model, as the thread reports it once. */
export interface ModelInfo {
  name: string;
  /** sha256 of the package's manifest.json. */
  sha256: string;
  dir: string;
  grid: number;
  imageSize: number;
  loadSeconds: number;
}

/** An error that crossed the thread boundary. */
export interface WireError {
  name: string;
  message: string;
  code?: ErrorCode;
  retryable: boolean;
  /** The job was aborted (see StopReason). */
  aborted: boolean;
}

/** Why a running job is stopped: a client's cancel, a drain past its grace period, or its queue lock lost. */
export type StopReason = 'canceled' | 'drain' | 'lost';

/** One row's generated image tokens, column-wise. */
export interface TokenBatch {
  rows: Int32Array;
  cols: Int32Array;
  entropies: Float32Array;
  ks: Float32Array;
  tokenIds: Int32Array;
  /** Seconds since the previous batch of this job (or its image phase start). */
  seconds: number;
}

export type ToThread =
  | { type: 'start'; jobId: string; input: Uint8Array; params: RestoreParams; checkpoint: GenerationCheckpoint | null }
  | { type: 'cancel'; jobId: string; reason: StopReason }
  | { type: 'shutdown' };

export type FromThread =
  | { type: 'ready'; model: ModelInfo }
  | { type: 'load-failed'; error: WireError }
  | { type: 'progress'; jobId: string; phase: RestorePhase; done: number; total: number }
  | { type: 'tokens'; jobId: string; batch: TokenBatch }
  | { type: 'checkpoint'; jobId: string; checkpoint: GenerationCheckpoint }
  | { type: 'result'; jobId: string; run: RestoreRun }
  | { type: 'error'; jobId: string; error: WireError }
  | { type: 'stopped' };
