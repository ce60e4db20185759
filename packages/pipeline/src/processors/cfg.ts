/** Classifier-free guidance blend, as the reference's unbatched CFG processor applies it. */
import type { Support } from './structural-mask';

/**
 * cond <- g*(cond - uncond) + uncond, element by element in float32 arithmetic like torch (each operation
 * rounded to float32, g cast to float32), over the support ranges only: every logit outside them is set to
 * -inf by the structural mask right after, so blending it would be wasted work. Returns the largest
 * blended logit (the next processor needs it, and this loop has each value in hand).
 */
export function cfgBlend(cond: Float32Array, uncond: Float32Array, g: number, support: Support): number {
  const g32 = Math.fround(g);
  let max = -Infinity;
  for (let r = 0; r < support.length; r += 2) {
    const to = support[r + 1];
    for (let i = support[r]; i < to; i++) {
      const u = uncond[i];
      // The store into the Float32Array rounds the final addition.
      const v = (cond[i] = Math.fround(Math.fround(cond[i] - u) * g32) + u);
      if (v > max) max = v;
    }
  }
  return max;
}
