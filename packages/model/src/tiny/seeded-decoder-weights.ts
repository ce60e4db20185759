/**
 * Deterministic random decoder weights for tiny packages: each tensor is drawn from a generator seeded by
 * (seed, tensor name), so a tensor's values do not depend on build order and every build is byte-identical.
 */
import type { DecoderWeightSource } from '../decoder/decoder-weights';

/** FNV-1a of a string, mixed with a seed: the per-tensor stream key. */
function streamKey(seed: number, name: string): number {
  let h = (0x811c9dc5 ^ seed) >>> 0;
  for (let i = 0; i < name.length; i++) h = Math.imul(h ^ name.charCodeAt(i), 0x01000193) >>> 0;
  return h;
}

/** splitmix32-style generator: uniform in [0, 1) with 32 bits of state. */
export function splitmix32(seed: number): () => number {
  let s = seed >>> 0;
  return () => {
    s = (s + 0x9e3779b9) >>> 0;
    let z = s;
    z = Math.imul(z ^ (z >>> 16), 0x21f0aaad) >>> 0;
    z = Math.imul(z ^ (z >>> 15), 0x735a2d97) >>> 0;
    return ((z ^ (z >>> 15)) >>> 0) / 4294967296;
  };
}

/**
 * Weights with activations of order one: norm weights near 1, biases near 0, linear weights with
 * variance 1/fan_in, embeddings uniform in [-1, 1].
 */
export function seededDecoderWeights(seed: number): DecoderWeightSource {
  return (name, dims) => {
    const rand = splitmix32(streamKey(seed, name));
    const n = dims.reduce((a, b) => a * b, 1);
    const out = new Float32Array(n);
    const sym = (): number => 2 * rand() - 1;
    if (/norm\.weight$/.test(name)) for (let i = 0; i < n; i++) out[i] = 1 + 0.2 * sym();
    else if (name.endsWith('.bias')) for (let i = 0; i < n; i++) out[i] = 0.2 * sym();
    else if (name === 'model.embed_tokens.weight') for (let i = 0; i < n; i++) out[i] = sym();
    else {
      const scale = Math.sqrt(3 / dims[dims.length - 1]);
      for (let i = 0; i < n; i++) out[i] = scale * sym();
    }
    return out;
  };
}
