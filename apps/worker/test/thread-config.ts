/** A thread config for tests: the tiny package on CPU, one intra-op thread, the pipeline's restorer. */
import type { ThreadConfig } from '../src/inference/protocol';
import { PIPELINE_RESTORER } from '../src/inference/restorer';

export function threadConfig(over: Partial<ThreadConfig> = {}): ThreadConfig {
  return {
    model: 'tiny',
    modelCacheDir: '',
    ep: 'cpu',
    threads: 1,
    restorerModule: PIPELINE_RESTORER,
    storage: { endpoint: '', region: 'us-east-1', accessKeyId: '', secretAccessKey: '', forcePathStyle: true },
    rowDelayMs: 0,
    ...over,
  };
}
