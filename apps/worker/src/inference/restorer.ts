/**
 * The restorer the inference thread drives: `@pure/pipeline/restore`'s interface. The module is chosen at
 * start (`ThreadConfig.restorerModule`) and must export `createRestorer` with this shape.
 */
import type { LoadedModelPackage } from '@pure/model/load-model-package';
import type { ExecutionProvider } from '@pure/model/session';
import type { Restorer, RestoreResult } from '@pure/pipeline/restore';

export type { GenerationCheckpoint } from '@pure/pipeline/checkpoint';
export type { Restorer, RestoreOptions, RestoreProgress, RestoreResult } from '@pure/pipeline/restore';

/** A restore phase as progress reports it. */
export type RestorePhase = 'preprocess' | 'text' | 'image' | 'decode';

/** The factory a restorer module exports. */
export type CreateRestorer = (pkg: LoadedModelPackage, opts?: { ep?: ExecutionProvider; threads?: number }) => Promise<Restorer>;

/** The default restorer module. */
export const PIPELINE_RESTORER = '@pure/pipeline/restore';

/** One restore as the thread reports it: the result plus what the thread measured around it. */
export interface RestoreRun {
  result: RestoreResult;
  /** Seconds per progress phase as seen from the callbacks (text and image split). */
  phaseSeconds: Record<string, number>;
  /** Seconds inside restore(). */
  restoreSeconds: number;
  /** The checkpoint was unusable and the job started over. */
  checkpointDropped: boolean;
}
