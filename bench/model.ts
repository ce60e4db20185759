/**
 * `npm run bench -- model [--quick]`: CPU decode-step time of the `tiny` and `small` decoders at contexts
 * 256, 1,024 and 4,096 with the KV cache (one new token, past of context-1 tokens), against the baseline
 * of a full recompute without a cache (all `context` tokens, no past) measured in the same run; then proves
 * a PURE-7B-shaped decoder graph builds (weights as dims-only stubs: nothing is written).
 */
import { loadModelPackage } from '@pure/model/load-model-package';
import { buildDecoderGraph } from '@pure/model/decoder/build-decoder';
import type { DecoderDims } from '@pure/model/manifest';
import { encodeGraphOnly } from '@pure/model/onnx/write-model';
import { OrtSession, tensor, type Tensor } from '@pure/model/session';
import { ensureTinyPackage } from '@pure/model/tiny/ensure-tiny-package';

/** PURE-7B (Chameleon-7B, PURE's 73,728-id vocab): PURE-PIPELINE.md section 4. */
export const PURE_7B: Omit<DecoderDims, 'file' | 'dtype'> = {
  layers: 32, hidden: 4096, heads: 32, kvHeads: 32, headDim: 128, intermediate: 11008, vocabSize: 73728,
  ropeTheta: 10000, normEps: 1e-5, qkNorm: 'layernorm-shared', maxPositions: 11776,
};

/** Feeds for one decoder call: `seq` new tokens after a zero-filled past of `past` tokens, batch 1. */
export function decoderFeeds(d: Omit<DecoderDims, 'file'>, past: number, seq: number): Record<string, Tensor> {
  const i64 = (n: number, f: (i: number) => number) => BigInt64Array.from({ length: n }, (_, i) => BigInt(f(i)));
  const feeds: Record<string, Tensor> = {
    input_ids: tensor('int64', i64(seq, (i) => (i * 7919 + 11) % d.vocabSize), [1, seq]),
    position_ids: tensor('int64', i64(seq, (i) => past + i), [1, seq]),
    attention_mask: tensor('int64', i64(past + seq, () => 1), [1, past + seq]),
  };
  const n = d.kvHeads * past * d.headDim;
  for (let i = 0; i < d.layers; i++) {
    for (const kind of ['key', 'value']) {
      feeds[`past_key_values.${i}.${kind}`] =
        d.dtype === 'float16'
          ? tensor('float16', new Uint16Array(n), [1, d.kvHeads, past, d.headDim])
          : tensor('float32', new Float32Array(n), [1, d.kvHeads, past, d.headDim]);
    }
  }
  return feeds;
}

/** Median wall time in ms of `runs` calls after one warm-up call. */
export async function medianMs(runs: number, fn: () => Promise<unknown>): Promise<number> {
  await fn();
  const times: number[] = [];
  for (let i = 0; i < runs; i++) {
    const t0 = performance.now();
    await fn();
    times.push(performance.now() - t0);
  }
  times.sort((a, b) => a - b);
  return times[Math.floor(times.length / 2)];
}

/** Host<->device bytes of one decode step: KV in (past) + KV out (past + 1) + float32 logits. */
export function stepBytes(d: Omit<DecoderDims, 'file'>, past: number): number {
  const kvToken = d.layers * 2 * d.kvHeads * d.headDim * (d.dtype === 'float16' ? 2 : 4);
  return kvToken * past + kvToken * (past + 1) + d.vocabSize * 4;
}

const fmt = (x: number, digits = 1) => x.toLocaleString('en-US', { maximumFractionDigits: digits, minimumFractionDigits: digits });

export default async function main(args: string[]): Promise<void> {
  const quick = args.includes('--quick');
  const contexts = quick ? [256] : [256, 1024, 4096];
  const rows: string[] = [];
  let headlineStep = '';
  for (const name of ['tiny', 'small'] as const) {
    const t0 = performance.now();
    const pkg = await loadModelPackage(await ensureTinyPackage(name), { verify: false });
    const ready = (performance.now() - t0) / 1000;
    const d = pkg.manifest.decoder;
    const s = await OrtSession.create(pkg.paths.decoder);
    for (const ctx of contexts) {
      const stepFeeds = decoderFeeds(d, ctx - 1, 1);
      const step = await medianMs(name === 'tiny' ? 15 : 7, () => s.run(stepFeeds));
      const fullFeeds = decoderFeeds(d, 0, ctx);
      // the no-cache baseline is slow at long contexts on 2 cores: fewer repetitions there
      const full = await medianMs(name === 'small' && ctx >= 4096 ? 1 : 3, () => s.run(fullFeeds));
      rows.push(`| ${name} | ${d.layers}x${d.hidden}, V ${d.vocabSize.toLocaleString('en-US')} | ${ctx.toLocaleString('en-US')} | ${fmt(step, 2)} | ${fmt(full)} | ${fmt(full / step)}x | ${fmt(stepBytes(d, ctx - 1) / 2 ** 20, 2)} |`);
      if (name === 'small') headlineStep = `small decode step at ${ctx.toLocaleString('en-US')} context ${fmt(step, 1)} ms with KV cache vs ${fmt(full, 0)} ms full recompute (${fmt(full / step, 0)}x)`;
    }
    await s.dispose();
    console.error(`(${name}: package ready in ${fmt(ready)} s)`);
  }
  console.log('## Decoder decode step on CPU (ms, median; batch 1, fp32)\n');
  console.log('| package | layers x hidden, vocab | context | step with KV cache | baseline: full recompute, no cache | speedup | KV+logits bytes per step (MiB) |');
  console.log('|---|---|---:|---:|---:|---:|---:|');
  for (const r of rows) console.log(r);

  const t0 = performance.now();
  const g = buildDecoderGraph({ ...PURE_7B, dtype: 'float16' });
  const proto = encodeGraphOnly(g, 'decoder.onnx.data');
  const ms = performance.now() - t0;
  const st = g.stats();
  console.log('\n## PURE-7B-shaped decoder graph (fp16, weights as external-data stubs, nothing written)\n');
  console.log('| layers | hidden | heads | intermediate | vocab | nodes | initializers | parameters | weight bytes (fp16) | graph proto bytes | build ms |');
  console.log('|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|');
  console.log(`| ${PURE_7B.layers} | ${PURE_7B.hidden} | ${PURE_7B.heads} | ${PURE_7B.intermediate} | ${PURE_7B.vocabSize} | ${st.nodes} | ${st.initializers} | ${(st.parameters / 1e9).toFixed(3)}B | ${(st.bytes / 1e9).toFixed(2)} GB | ${proto.byteLength.toLocaleString('en-US')} | ${fmt(ms, 0)} |`);
  console.log(`\nheadline: ${headlineStep}; PURE-7B-shaped graph builds with ${st.nodes} nodes and ${(st.parameters / 1e9).toFixed(2)}B parameters (${proto.byteLength.toLocaleString('en-US')}-byte proto, weights external)`);
}
