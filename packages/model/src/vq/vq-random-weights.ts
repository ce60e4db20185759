/**
 * Deterministic random VQ weights for tiny packages and tests: the same seed gives the same bytes on
 * every machine. Scales keep activations of order one through every block (fan-in scaled convs, norms
 * near identity) so codes and pixels are not degenerate.
 */
import type { VqConfig } from './vq-config';
import { vqTensors, type VqWeights } from './vq-tensors';

/** mulberry32: a tiny 32-bit PRNG, uniform in [0, 1). */
export function seededRandom(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

/** Every tensor of `vqTensors(config)` filled from `seed`. */
export function randomVqWeights(config: VqConfig, seed: number): VqWeights {
  const rand = seededRandom(seed);
  const sym = (): number => 2 * rand() - 1;
  const out: VqWeights = new Map();
  for (const { name, shape } of vqTensors(config)) {
    const n = shape.reduce((a, b) => a * b, 1);
    const data = new Float32Array(n);
    const isNorm = /norm\w*\.(weight|bias)$/.test(name);
    if (isNorm && name.endsWith('.weight')) for (let i = 0; i < n; i++) data[i] = 1 + 0.2 * sym();
    else if (isNorm || name.endsWith('.bias')) for (let i = 0; i < n; i++) data[i] = 0.1 * sym();
    else if (shape.length === 4) {
      // uniform with variance 1/fan_in keeps each conv's output of the order of its input
      const scale = Math.sqrt(3 / (shape[1] * shape[2] * shape[3]));
      for (let i = 0; i < n; i++) data[i] = scale * sym();
    } else for (let i = 0; i < n; i++) data[i] = sym();
    out.set(name, data);
  }
  return out;
}
