/**
 * `npm run bench -- generate [imageTokens]`: tokens/s of the whole generation loop on the `small` decoder
 * (8 layers, hidden 512, PURE's 73,728-id vocab and 64x64 grid, so a ~4.2k-token prompt), beside two
 * baselines in the same process: the naive engine that copies each KV cache every step (branches run
 * one after the other, as the reference does), and @huggingface/transformers' generate() with top-k
 * sampling on the same decoder ONNX file (one branch: it has no CFG). Each engine prefills the prompt and
 * then runs `imageTokens` image tokens (a whole 4,096-token image would take tens of minutes here).
 */
import { mkdtempSync, mkdirSync, rmSync, symlinkSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { AutoModelForCausalLM, Tensor, env } from '@huggingface/transformers';
import { generate, type GenerateParams } from '../packages/pipeline/src/generate';
import { createTokenLayout, buildPrompt } from '../packages/pipeline/src/layout';
import { loadTextTokenizer } from '../packages/pipeline/src/text';
import { tinyPackage, openDecoder } from '../packages/pipeline/test/tiny-packages';
import type { LoadedModelPackage } from '../packages/model/src/load-model-package';
import type { OrtDecoderOptions } from '../packages/pipeline/src/ort-decoder';
import { median } from './lib/stats';

const THREADS = 2;
const TEXT_BUDGET = 8; // the random `small` model would otherwise write 256 text tokens first

interface Row { engine: string; branches: number; callsPerToken: string; prefillS: number; msPerToken: number; cpuMsPerToken: number; tokens: number }

/** Process CPU milliseconds (user + system, all threads): less sensitive than wall time to other processes. */
function cpuMs(): number {
  const u = process.cpuUsage();
  return (u.user + u.system) / 1000;
}

async function runOurs(pkg: LoadedModelPackage, prompt: number[], kind: 'ort' | 'naive', cfg: number, tokens: number, engine: string, opts: OrtDecoderOptions = {}): Promise<Row> {
  const layout = createTokenLayout(pkg.manifest);
  const s = pkg.manifest.sampling;
  const params: GenerateParams = { seed: 1, cfg, temperature: s.temperature, kMin: s.kMin, kMax: s.kMax, mu: s.mu, textTopK: s.textTopK, textBudget: TEXT_BUDGET };
  const dec = await openDecoder(pkg, kind, opts, THREADS);
  const ac = new AbortController();
  const stamps: number[] = [];
  const cpu: number[] = [];
  let callsAtFirst = 0;
  const t0 = performance.now();
  try {
    await generate(dec, layout, prompt, params, {
      signal: ac.signal,
      onToken: () => {
        stamps.push(performance.now());
        cpu.push(cpuMs());
        if (stamps.length === 1) callsAtFirst = dec.calls;
        if (stamps.length === tokens) ac.abort();
      },
    });
  } catch (err) {
    if ((err as Error).name !== 'AbortError') throw err;
  } finally {
    await dec.dispose();
  }
  const steps = stamps.slice(1).map((t, i) => t - stamps[i]);
  const calls = (dec.calls - callsAtFirst) / (stamps.length - 1);
  const cpuPerToken = (cpu[cpu.length - 1] - cpu[0]) / (cpu.length - 1);
  return { engine, branches: cfg === 1 ? 1 : 2, callsPerToken: calls.toFixed(1), prefillS: (stamps[0] - t0) / 1000, msPerToken: median(steps), cpuMsPerToken: cpuPerToken, tokens: stamps.length };
}

async function runTransformersJs(pkg: LoadedModelPackage, prompt: number[], tokens: number): Promise<Row> {
  const root = mkdtempSync(join(tmpdir(), 'pure-bench-tjs-'));
  try {
    // A transformers.js model folder around the unchanged decoder file: config.json + onnx/model.onnx.
    const d = pkg.manifest.decoder;
    mkdirSync(join(root, 'small', 'onnx'), { recursive: true });
    symlinkSync(pkg.paths.decoder, join(root, 'small', 'onnx', 'model.onnx'));
    writeFileSync(join(root, 'small', 'config.json'), JSON.stringify({
      model_type: 'llama', architectures: ['LlamaForCausalLM'], num_hidden_layers: d.layers, num_attention_heads: d.heads,
      num_key_value_heads: d.kvHeads, hidden_size: d.hidden, head_dim: d.headDim, vocab_size: d.vocabSize,
      max_position_embeddings: d.maxPositions, bos_token_id: pkg.manifest.vocab.bos, eos_token_id: pkg.manifest.vocab.endOfTurn,
    }));
    env.allowRemoteModels = false;
    env.localModelPath = root;
    const model = await AutoModelForCausalLM.from_pretrained('small', {
      local_files_only: true, dtype: 'fp32', device: 'cpu', session_options: { intraOpNumThreads: THREADS },
    });
    const stamps: number[] = [];
    const cpu: number[] = [];
    const t0 = performance.now();
    const ids = new Tensor('int64', BigInt64Array.from(prompt, (x) => BigInt(x)), [1, prompt.length]);
    const mask = new Tensor('int64', new BigInt64Array(prompt.length).fill(1n), [1, prompt.length]);
    const streamer = {
      put: () => {
        stamps.push(performance.now());
        cpu.push(cpuMs());
      },
      end: () => {},
    };
    const s = pkg.manifest.sampling;
    const options = { inputs: ids, attention_mask: mask, max_new_tokens: tokens, do_sample: true, top_k: s.kMax, temperature: s.temperature, streamer };
    await model.generate(options as unknown as Parameters<typeof model.generate>[0]);
    await model.dispose();
    const gen = stamps.slice(1); // the first put is the prompt
    const steps = gen.slice(1).map((t, i) => t - gen[i]);
    const genCpu = cpu.slice(1);
    const cpuPerToken = (genCpu[genCpu.length - 1] - genCpu[0]) / (genCpu.length - 1);
    return { engine: '@huggingface/transformers generate() (top-k sampling, no CFG)', branches: 1, callsPerToken: '1.0', prefillS: (gen[0] - t0) / 1000, msPerToken: median(steps), cpuMsPerToken: cpuPerToken, tokens: gen.length };
  } finally {
    rmSync(root, { recursive: true, force: true });
  }
}

export default async function generateBench(args: string[]): Promise<void> {
  const tokens = Number(args[0] ?? 16);
  const pkg = await tinyPackage('small');
  const layout = createTokenLayout(pkg.manifest);
  const tok = await loadTextTokenizer(pkg.paths.tokenizer);
  const codes = Int32Array.from({ length: layout.grid * layout.grid }, (_, i) => (i * 7919) % layout.codebookSize);
  const prompt = buildPrompt(layout, tok.encode(pkg.manifest.prompt.instruction), codes);

  const rows: Row[] = [];
  const cfg = pkg.manifest.sampling.cfg;
  rows.push(await runOurs(pkg, prompt, 'ort', cfg, tokens, "ours (batch 'auto': here one call per branch), KV fed back"));
  rows.push(await runOurs(pkg, prompt, 'ort', cfg, tokens, 'ours, CFG pair forced into one LEFT-padded call', { batch: true }));
  rows.push(await runOurs(pkg, prompt, 'naive', cfg, Math.max(4, Math.round(tokens / 2)), 'naive: KV copied every step, branches in turn'));
  rows.push(await runOurs(pkg, prompt, 'ort', 1, tokens, 'ours, one branch (cfg = 1)'));
  rows.push(await runTransformersJs(pkg, prompt, tokens));

  console.log(`Decoder \`small\` (8 layers, hidden 512, vocab 73,728), prompt ${prompt.length} tokens, ${THREADS} ORT threads, CPU; text budget ${TEXT_BUDGET}.`);
  console.log('');
  console.log('| engine | branches | ONNX calls per image token | prefill + text s | ms per image token (median) | image tokens/s | CPU ms per image token | tokens timed |');
  console.log('| --- | ---: | ---: | ---: | ---: | ---: | ---: | ---: |');
  for (const r of rows) {
    console.log(`| ${r.engine} | ${r.branches} | ${r.callsPerToken} | ${r.prefillS.toFixed(1)} | ${r.msPerToken.toFixed(0)} | ${(1000 / r.msPerToken).toFixed(2)} | ${r.cpuMsPerToken.toFixed(0)} | ${r.tokens} |`);
  }
  console.log('');
  console.log('Wall times swing with other load on this 2-core machine; the CPU column (all threads) is steadier.');
  const [ours, , naive, single, tjs] = rows;
  console.log('');
  console.log(`headline: ${(1000 / ours.msPerToken).toFixed(2)} image tokens/s with CFG on \`small\` (naive KV-copying loop ${(1000 / naive.msPerToken).toFixed(2)}, ${(naive.msPerToken / ours.msPerToken).toFixed(2)}x); one branch ${(1000 / single.msPerToken).toFixed(2)} vs transformers.js ${(1000 / tjs.msPerToken).toFixed(2)} tokens/s`);
}
