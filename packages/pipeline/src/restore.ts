/**
 * The one entry point the worker calls: image bytes + params in, restored image + text + entropy
 * artifacts out. preprocess -> VQ encode -> prompt -> generate (resumable, abortable) -> split text ->
 * VQ decode -> uint8 -> colour fix -> encode -> entropy artifacts, each phase timed.
 */
import type { RestoreParams, OutputFormat } from '@pure/contracts/params';
import type { LoadedModelPackage } from '@pure/model/load-model-package';
import { gridOf, type ModelManifest } from '@pure/model/manifest';
import { OrtSession, type ExecutionProvider } from '@pure/model/session';
import type { GenerationCheckpoint } from './checkpoint';
import type { Decoder } from './decoder';
import { buildEntropyArtifacts, type EntropySummary } from './entropy-artifacts';
import { finishImage } from './finish-image';
import { abortError, generate, type GenerateResult, type TokenRecord } from './generate';
import { buildPrompt, createTokenLayout, type TokenLayout } from './layout';
import { createOrtDecoder } from './ort-decoder';
import { preprocess } from './preprocess';
import { splitText, type RestoreText } from './split-text';
import { loadTextTokenizer, type TextTokenizer } from './text';
import { VqCodec } from './vq';

/** Progress of one restore: `done` of `total` in the current phase (image: codes generated). */
export interface RestoreProgress {
  phase: 'preprocess' | 'text' | 'image' | 'decode';
  done: number;
  total: number;
}

export interface RestoreOptions {
  /** Stops generation between tokens (and the pipeline between phases); rejects with an AbortError. */
  signal?: AbortSignal;
  /** Resume from a row checkpoint of an earlier attempt with the same input and params. */
  checkpoint?: GenerationCheckpoint;
  onProgress?(p: RestoreProgress): void;
  /** Called (and awaited) after each completed image row. */
  onCheckpoint?(c: GenerationCheckpoint): void | Promise<void>;
  onToken?(r: TokenRecord): void;
}

/** Seconds per phase: preprocess (decode + resize), encode (VQ), generate, decode (VQ decode, uint8, image encoding, entropy artifacts), colorFix, total. */
export type RestoreTimings = Record<'preprocess' | 'encode' | 'generate' | 'decode' | 'colorFix' | 'total', number>;

export interface RestoreResult {
  image: Uint8Array;
  format: OutputFormat;
  width: number;
  height: number;
  text: RestoreText;
  entropy: { log: Uint8Array; summary: EntropySummary; heatmap: Uint8Array };
  /** Generated text tokens, image codes, and tokens taken from the checkpoint. */
  tokens: { text: number; image: number; resumed: number };
  stoppedBy: GenerateResult['stoppedBy'];
  timings: RestoreTimings;
}

/** A loaded model package ready to restore images; restores run one at a time. */
export interface Restorer {
  readonly manifest: ModelManifest;
  restore(input: Uint8Array, params: RestoreParams, opts?: RestoreOptions): Promise<RestoreResult>;
  dispose(): Promise<void>;
}

/** Loads the tokenizer, the decoder and the VQ codec of `pkg` once. */
export async function createRestorer(pkg: LoadedModelPackage, opts: { ep?: ExecutionProvider; threads?: number } = {}): Promise<Restorer> {
  const layout = createTokenLayout(pkg.manifest);
  const text = await loadTextTokenizer(pkg.paths.tokenizer);
  const session = await OrtSession.create(pkg.paths.decoder, opts);
  const decoder = createOrtDecoder(session, pkg.manifest.decoder);
  try {
    const vq = await VqCodec.create(pkg, opts);
    const { instruction, instructionIds } = pkg.manifest.prompt;
    return new PipelineRestorer(pkg.manifest, layout, text, instructionIds ?? text.encode(instruction), decoder, vq);
  } catch (err) {
    await decoder.dispose();
    throw err;
  }
}

const since = (t0: number) => (performance.now() - t0) / 1000;

class PipelineRestorer implements Restorer {
  private queue: Promise<unknown> = Promise.resolve();

  constructor(
    readonly manifest: ModelManifest,
    private readonly layout: TokenLayout,
    private readonly text: TextTokenizer,
    private readonly instructionIds: number[],
    private readonly decoder: Decoder,
    private readonly vq: VqCodec,
  ) {}

  restore(input: Uint8Array, params: RestoreParams, opts: RestoreOptions = {}): Promise<RestoreResult> {
    // The decoder's KV caches and the CPU are shared: one restore at a time, in call order.
    const run = this.queue.then(() => this.run(input, params, opts));
    this.queue = run.catch(() => undefined);
    return run;
  }

  private async run(input: Uint8Array, params: RestoreParams, opts: RestoreOptions): Promise<RestoreResult> {
    const { signal, onProgress } = opts;
    const checkAbort = () => {
      if (signal?.aborted) throw abortError(signal);
    };
    const size = this.manifest.image.size;
    const grid = gridOf(this.manifest);
    const start = performance.now();
    checkAbort();

    onProgress?.({ phase: 'preprocess', done: 0, total: 1 });
    let t0 = performance.now();
    const pre = await preprocess(input, size);
    const preprocessTime = since(t0);
    checkAbort();
    t0 = performance.now();
    const codes = await this.vq.encode(pre.pixels);
    const encodeTime = since(t0);
    onProgress?.({ phase: 'preprocess', done: 1, total: 1 });
    checkAbort();

    const prompt = buildPrompt(this.layout, this.instructionIds, codes);
    const total = grid * grid;
    let inImage = (opts.checkpoint?.entropies.length ?? 0) > 0;
    onProgress?.(inImage ? { phase: 'image', done: opts.checkpoint!.entropies.length, total } : { phase: 'text', done: 0, total: 1 });
    t0 = performance.now();
    const gen = await generate(this.decoder, this.layout, prompt, params, {
      signal,
      checkpoint: opts.checkpoint,
      onToken: (r) => {
        if (!inImage) {
          inImage = true;
          onProgress?.({ phase: 'text', done: 1, total: 1 });
          onProgress?.({ phase: 'image', done: 0, total });
        }
        opts.onToken?.(r);
      },
      onRow: async (c, rowsDone) => {
        onProgress?.({ phase: 'image', done: rowsDone * grid, total });
        await opts.onCheckpoint?.(c);
      },
    });
    const generateTime = since(t0);
    const text = splitText(this.text.decode(gen.textIds, { skipSpecialTokens: true }));
    checkAbort();

    onProgress?.({ phase: 'decode', done: 0, total: 1 });
    t0 = performance.now();
    const finished = await finishImage(this.vq, gen.codes, pre.lq, { colorFix: params.colorFix, output: params.output });
    const entropy = await buildEntropyArtifacts(gen.records, grid, size, Math.log(this.layout.codebookSize));
    const decodeTime = since(t0) - finished.timings.colorFix;
    onProgress?.({ phase: 'decode', done: 1, total: 1 });

    return {
      image: finished.bytes,
      format: params.output,
      width: size,
      height: size,
      text,
      entropy,
      tokens: { text: gen.textIds.length, image: gen.records.length, resumed: gen.resumedTokens },
      stoppedBy: gen.stoppedBy,
      timings: {
        preprocess: preprocessTime,
        encode: encodeTime,
        generate: generateTime,
        decode: decodeTime,
        colorFix: finished.timings.colorFix,
        total: since(start),
      },
    };
  }

  async dispose(): Promise<void> {
    await this.queue;
    await Promise.all([this.decoder.dispose(), this.vq.dispose()]);
  }
}
