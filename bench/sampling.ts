/**
 * `npm run bench -- sampling [tokens]`: host time per image token for the whole processor list (CFG pair
 * blend, structural mask, entropy, dynamic top-k, temperature, inverse-CDF draw), median microseconds, over
 * PURE's layout (73,728 logits, 16,384 image-code candidates) and over a wide layout (73,728 logits,
 * 73,720 candidates), beside a straightforward baseline (float64 softmax and log, full sort) in the same run.
 */
import { createTokenLayout, type TokenLayout } from '../packages/pipeline/src/layout';
import { TokenSampler } from '../packages/pipeline/src/sampler';
import { uniform, Branch } from '../packages/pipeline/src/rng/philox';
import type { ModelManifest } from '../packages/model/src/manifest';
import { pureManifest } from '../packages/pipeline/test/manifest-fixtures';
import { median, percentile, usSince } from './lib/stats';

const params = { cfg: 0.8, temperature: 0.9, kMin: 1, kMax: 2000, mu: 5, textTopK: 1 };

/** The baseline: what a direct port would write (full-vocab loops, Math.exp/log, a full sort, fresh arrays). */
function baselineToken(L: TokenLayout, cond: Float32Array, uncond: Float32Array, u: number): number {
  const V = L.vocabSize;
  const g = Math.fround(params.cfg);
  const x = new Float32Array(V);
  for (let i = 0; i < V; i++) x[i] = L.idToCode[i] >= 0 ? Math.fround(Math.fround(cond[i] - uncond[i]) * g) + uncond[i] : -Infinity;
  let m = -Infinity;
  for (let i = 0; i < V; i++) m = Math.max(m, x[i]);
  let s = 0;
  for (let i = 0; i < V; i++) s += Math.exp(x[i] - m);
  let h = 0;
  for (let i = 0; i < V; i++) {
    const p = Math.exp(x[i] - m) / s;
    h -= p * Math.log(p + 1e-10);
  }
  const hc = Math.min(Math.max(h, 0), 10);
  const kf = params.kMin + (params.kMax - params.kMin) / (1 + Math.exp(-(hc - params.mu)));
  let k = Math.round(kf);
  if (kf - Math.floor(kf) === 0.5 && Math.floor(kf) % 2 === 0) k = Math.floor(kf);
  const sorted = Float32Array.from(x).sort().reverse();
  const thr = sorted[Math.min(k, V) - 1];
  const t32 = Math.fround(params.temperature);
  const v = new Float64Array(V);
  let vm = -Infinity;
  for (let i = 0; i < V; i++) {
    v[i] = x[i] >= thr && x[i] > -Infinity ? Math.fround(x[i] / t32) : -Infinity;
    vm = Math.max(vm, v[i]);
  }
  let z = 0;
  for (let i = 0; i < V; i++) z += Math.exp(v[i] - vm);
  let cum = 0;
  let last = -1;
  for (let i = 0; i < V; i++) {
    const e = Math.exp(v[i] - vm);
    if (e === 0) continue;
    cum += e;
    last = i;
    if (cum > u * z) return i;
  }
  return last;
}

function gaussianLogits(V: number, seed: number, sigma: number): Float32Array {
  const out = new Float32Array(V);
  let x = seed >>> 0;
  const next = () => (x = (Math.imul(x, 1664525) + 1013904223) >>> 0) / 2 ** 32;
  for (let i = 0; i < V; i += 2) {
    const r = Math.sqrt(-2 * Math.log(next() + 1e-12));
    const a = 2 * Math.PI * next();
    out[i] = r * Math.cos(a) * sigma;
    if (i + 1 < V) out[i + 1] = r * Math.sin(a) * sigma;
  }
  return out;
}

function wideManifest(): ModelManifest {
  return {
    ...pureManifest,
    name: 'wide',
    vocab: { ...pureManifest.vocab, imageStart: 1, imageEnd: 2, rowEnd: 3, endOfTurn: 5, sizeToken: { firstId: 6, pixelsPerUnit: 512 }, imageCodes: [{ firstCode: 0, firstId: 8, count: 73720 }] },
    vq: { ...pureManifest.vq, codebookSize: 73720 },
  };
}

interface Row { name: string; candidates: number; oursUs: number; oursP90: number; baseUs: number; agree: string; meanK: number }

function measure(name: string, L: TokenLayout, tokens: number, baseTokens: number): Row {
  const V = L.vocabSize;
  const sigmas = (process.env.SIG ?? "0.5,1,2,3,5,8").split(",").map(Number);
  const pool = sigmas.map((sg, i) => [gaussianLogits(V, 2 * i + 1, sg), gaussianLogits(V, 2 * i + 2, sg)] as const);
  const sampler = new TokenSampler(L, params);
  const cond = new Float32Array(V);
  const ours: number[] = [];
  const chosen: number[] = [];
  let kSum = 0;
  for (let i = 0; i < tokens + 20; i++) {
    const [c, un] = pool[i % pool.length];
    cond.set(c);
    const u = uniform(1, Branch.image, i);
    const t0 = process.hrtime.bigint();
    const d = sampler.sampleImage(cond, un, i % L.grid, u);
    const us = usSince(t0);
    if (i >= 20) ours.push(us); // the first tokens warm up the JIT
    chosen.push(d.id);
    kSum += d.k;
  }
  const base: number[] = [];
  let agree = 0;
  for (let i = 0; i < baseTokens; i++) {
    const [c, un] = pool[i % pool.length];
    const u = uniform(1, Branch.image, i);
    const t0 = process.hrtime.bigint();
    const id = baselineToken(L, c, un, u);
    base.push(usSince(t0));
    if (id === chosen[i]) agree++;
  }
  return { name, candidates: L.imageIdRanges.reduce((a, v, i) => a + (i % 2 ? v : -v), 0), oursUs: median(ours), oursP90: percentile(ours, 90), baseUs: median(base), agree: `${agree}/${baseTokens}`, meanK: kSum / (tokens + 20) };
}

export default async function sampling(args: string[]): Promise<void> {
  const tokens = Number(args[0] ?? 600);
  const rows = [
    measure('PURE layout (image codes only)', createTokenLayout(pureManifest), tokens, 30),
    measure('wide layout (almost every id a code)', createTokenLayout(wideManifest()), Math.round(tokens / 3), 12),
  ];
  console.log('| case | logits | candidate ids | ours median us | ours p90 us | baseline (full sort) median us | speed-up | same token as baseline | mean k |');
  console.log('| --- | ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: |');
  for (const r of rows) {
    console.log(`| ${r.name} | 73,728 | ${r.candidates.toLocaleString('en-US')} | ${r.oursUs.toFixed(1)} | ${r.oursP90.toFixed(1)} | ${r.baseUs.toFixed(0)} | ${(r.baseUs / r.oursUs).toFixed(1)}x | ${r.agree} | ${r.meanK.toFixed(0)} |`);
  }
  console.log('');
  console.log(`Host time per image token: CFG pair blend, mask, entropy, dynamic top-k (quickselect, ties kept), temperature, inverse-CDF draw; ${tokens} tokens over logits drawn from N(0, s^2), s in {0.5..8}; goal <= 250 us.`);
  const [pure, wide] = rows;
  console.log(`headline: ${pure.oursUs.toFixed(0)} us/token over 16,384 candidates (goal <= 250; full-sort baseline ${pure.baseUs.toFixed(0)} us), ${wide.oursUs.toFixed(0)} us over 73,720`);
}
