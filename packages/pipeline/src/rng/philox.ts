/**
 * Philox4x32-10 (Salmon et al., "Parallel random numbers: as easy as 1, 2, 3", SC'11): a counter-based
 * generator, so the uniform for a draw depends only on (seed, branch, position), never on how many draws
 * came before. That is what lets a job resumed on another worker draw exactly what an uninterrupted run would.
 */

const M0 = 0xd2511f53;
const M1 = 0xcd9e8d57;
const W0 = 0x9e3779b9;
const W1 = 0xbb67ae85;

/** Random draw streams; a draw is keyed by (seed, branch, position). */
export const Branch = { text: 0, image: 1 } as const;
export type Branch = (typeof Branch)[keyof typeof Branch];

/** High 32 bits of the 64-bit product of two uint32, exact in float64 arithmetic. */
function mulhi(a: number, b: number): number {
  const p1 = (a & 0xffff) * b; // < 2^48
  const p2 = (a >>> 16) * b; // < 2^48
  return Math.floor((p2 + Math.floor(p1 / 65536)) / 65536) >>> 0;
}

/**
 * One Philox4x32 block with `rounds` rounds (10 is the standard, passes BigCrush with margin).
 * Writes the four output words into `out` (uint32 each) and returns it.
 */
export function philox4x32(
  ctr: ArrayLike<number>,
  key: ArrayLike<number>,
  rounds = 10,
  out: Uint32Array = new Uint32Array(4),
): Uint32Array {
  let c0 = ctr[0] >>> 0;
  let c1 = ctr[1] >>> 0;
  let c2 = ctr[2] >>> 0;
  let c3 = ctr[3] >>> 0;
  let k0 = key[0] >>> 0;
  let k1 = key[1] >>> 0;
  for (let r = 0; r < rounds; r++) {
    if (r > 0) {
      k0 = (k0 + W0) >>> 0;
      k1 = (k1 + W1) >>> 0;
    }
    const hi0 = mulhi(M0, c0);
    const lo0 = Math.imul(M0, c0) >>> 0;
    const hi1 = mulhi(M1, c2);
    const lo1 = Math.imul(M1, c2) >>> 0;
    c0 = (hi1 ^ c1 ^ k0) >>> 0;
    c1 = lo1;
    c2 = (hi0 ^ c3 ^ k1) >>> 0;
    c3 = lo0;
  }
  out[0] = c0;
  out[1] = c1;
  out[2] = c2;
  out[3] = c3;
  return out;
}

const ctrScratch = new Uint32Array(4);
const keyScratch = new Uint32Array(2);
const outScratch = new Uint32Array(4);

/**
 * The uniform in [0, 1) for one draw, with 53 random bits (a float64 mantissa's worth).
 * Mapping: key = [seed, 0]; counter = [position mod 2^32, floor(position / 2^32), branch, 0];
 * the float is ((w0 >>> 5) * 2^26 + (w1 >>> 6)) / 2^53 from output words w0, w1.
 */
export function uniform(seed: number, branch: number, position: number): number {
  if (!Number.isSafeInteger(position) || position < 0) throw new RangeError(`position must be a non-negative integer, got ${position}`);
  ctrScratch[0] = position % 4294967296;
  ctrScratch[1] = Math.floor(position / 4294967296);
  ctrScratch[2] = branch;
  ctrScratch[3] = 0;
  keyScratch[0] = seed;
  keyScratch[1] = 0;
  const w = philox4x32(ctrScratch, keyScratch, 10, outScratch);
  return ((w[0] >>> 5) * 67108864 + (w[1] >>> 6)) / 9007199254740992;
}
