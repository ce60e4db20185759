/**
 * `npm run bench -- gpu-decoder [--layers N] [--contexts 1024,4096] [--steps N] [--out DIR]`: on a machine
 * with an NVIDIA GPU, builds a decoder of PURE-7B width (hidden 4096, 32 heads, intermediate 11008, vocab
 * 73,728) with a slice of its depth in fp16, runs it on ONNX Runtime's CUDA provider and prints the decode
 * step time and the host<->device bytes each step moves (KV in + KV out + logits: onnxruntime-node keeps
 * no tensor on the device between run() calls). Baseline in the same run: a full recompute (prefill of
 * the whole context, no cache). Without CUDA it says so and prints the byte budget only.
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { buildDecoderGraph } from '@pure/model/decoder/build-decoder';
import type { DecoderDims } from '@pure/model/manifest';
import { GraphBuilder } from '@pure/model/onnx/graph-builder';
import { writeModel } from '@pure/model/onnx/write-model';
import { OrtSession, tensor } from '@pure/model/session';
import { seededDecoderWeights } from '@pure/model/tiny/seeded-decoder-weights';
import { PURE_7B, decoderFeeds, medianMs, stepBytes } from './model';

function arg(args: string[], name: string, fallback: string): string {
  const i = args.indexOf(`--${name}`);
  return i >= 0 && args[i + 1] ? args[i + 1] : fallback;
}

/** True when a one-node model opens and runs on the CUDA provider. */
async function cudaWorks(dir: string): Promise<string | true> {
  const g = new GraphBuilder('probe');
  g.op('Add', [g.input('x', 'float32', [1]), g.constF([1])], {}, 'y');
  g.output('y', 'float32', [1]);
  writeModel(g, join(dir, 'probe.onnx'));
  try {
    const s = await OrtSession.create(join(dir, 'probe.onnx'), { ep: 'cuda' });
    await s.run({ x: tensor('float32', new Float32Array([1]), [1]) });
    await s.dispose();
    return true;
  } catch (err) {
    return (err as Error).message.split('\n')[0];
  }
}

const mib = (b: number) => (b / 2 ** 20).toFixed(1);

export default async function main(args: string[]): Promise<void> {
  const layers = Number(arg(args, 'layers', '2'));
  const contexts = arg(args, 'contexts', '1024,4096').split(',').map(Number);
  const steps = Number(arg(args, 'steps', '10'));
  const dir = mkdtempSync(join(arg(args, 'out', tmpdir()), 'gpu-decoder-'));
  const d: Omit<DecoderDims, 'file'> = { ...PURE_7B, layers, dtype: 'float16' };
  const full: Omit<DecoderDims, 'file'> = { ...PURE_7B, dtype: 'float16' };
  try {
    const cuda = await cudaWorks(dir);
    if (cuda !== true) {
      console.log(`CUDA execution provider unavailable (${cuda}); falling back to the byte budget only, nothing timed.\n`);
      console.log('| decoder | context | host<->device bytes per step (MiB) |');
      console.log('|---|---:|---:|');
      for (const ctx of contexts) {
        console.log(`| PURE-7B width, ${layers} layers, fp16 | ${ctx} | ${mib(stepBytes(d, ctx - 1))} |`);
        console.log(`| PURE-7B, 32 layers, fp16 | ${ctx} | ${mib(stepBytes(full, ctx - 1))} |`);
      }
      console.log(`\nheadline: CUDA unavailable here; a PURE-7B decode step at ${contexts.at(-1)} context would move ${mib(stepBytes(full, contexts.at(-1)! - 1))} MiB host<->device per token with onnxruntime-node`);
      return;
    }
    const t0 = performance.now();
    const written = writeModel(buildDecoderGraph(d, seededDecoderWeights(5)), join(dir, 'decoder.onnx'));
    const buildS = (performance.now() - t0) / 1000;
    const s = await OrtSession.create(join(dir, 'decoder.onnx'), { ep: 'cuda' });
    console.error(`(built ${layers}-layer fp16 decoder, ${(written.weightBytes / 1e9).toFixed(2)} GB, external ${written.external}, in ${buildS.toFixed(1)} s)`);
    const rows: string[] = [];
    let headline = '';
    for (const ctx of contexts) {
      const stepFeeds = decoderFeeds(d, ctx - 1, 1);
      const step = await medianMs(steps, () => s.run(stepFeeds));
      const prefillFeeds = decoderFeeds(d, 0, ctx);
      const prefill = await medianMs(2, () => s.run(prefillFeeds));
      const bytes = stepBytes(d, ctx - 1);
      rows.push(`| ${layers} | ${ctx} | ${step.toFixed(2)} | ${prefill.toFixed(1)} | ${mib(bytes)} | ${mib(stepBytes(full, ctx - 1))} |`);
      headline = `PURE-7B width x ${layers} layers fp16 on CUDA: ${step.toFixed(1)} ms per decode step at ${ctx} context, ${mib(bytes)} MiB host<->device per step (${mib(stepBytes(full, ctx - 1))} MiB at 32 layers)`;
    }
    await s.dispose();
    console.log('## PURE-7B-width decoder on CUDA (fp16, batch 1; ms, median)\n');
    console.log('| layers | context | decode step (KV cache, host round trip) | baseline: full recompute of the context | host<->device MiB per step | same at 32 layers |');
    console.log('|---:|---:|---:|---:|---:|---:|');
    for (const r of rows) console.log(r);
    console.log(`\nheadline: ${headline}`);
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}
