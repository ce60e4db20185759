/** Temperature warper: logits / T in float32, applied after top-k like Hugging Face's TemperatureLogitsWarper. */

/** values[0..n) <- values / T, each quotient rounded to float32. */
export function applyTemperature(values: Float32Array, n: number, temperature: number): void {
  if (!(temperature > 0)) throw new RangeError(`temperature must be > 0, got ${temperature}`);
  if (temperature === 1) return;
  const t32 = Math.fround(temperature);
  for (let i = 0; i < n; i++) values[i] = values[i] / t32;
}
