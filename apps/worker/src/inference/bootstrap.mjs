// Entry file of the inference thread. On Node 20 a worker thread does not inherit tsx's module hooks for
// its entry, so register tsx here and then load the TypeScript entry.
import { register } from 'tsx/esm/api';

register();
await import('./inference-thread.ts');
