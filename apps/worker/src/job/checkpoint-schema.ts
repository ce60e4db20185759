/** The generation checkpoint as stored in Redis, parsed on load (one that does not parse is ignored: start over). */
import { z } from 'zod';
import type { GenerationCheckpoint as PipelineCheckpoint } from '@pure/pipeline/checkpoint';

const ids = z.array(z.number().int().nonnegative());

export const GenerationCheckpoint = z.object({
  version: z.literal(1),
  binding: z.string(),
  textIds: ids,
  imageIds: ids,
  entropies: z.array(z.number()),
  ks: z.array(z.number()),
  probs: z.array(z.number()),
  counter: z.number().int().nonnegative(),
});
export type GenerationCheckpoint = z.infer<typeof GenerationCheckpoint>;

// Fails to compile when the pipeline's checkpoint and this schema drift apart.
const _sameShape: [PipelineCheckpoint, GenerationCheckpoint] = [{} as GenerationCheckpoint, {} as PipelineCheckpoint];
void _sameShape;
