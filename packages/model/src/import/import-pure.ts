/**
 * `importPure`: turns PURE's Hugging Face checkpoint (safetensors shards + index, config.json, text
 * tokenizer) and LlamaGen's `vq_ds8_c2i.pt` into a model package. Every tensor is checked (presence,
 * shape, dtype) before anything is written; weights are then read lazily, one tensor at a time.
 */
import { access, copyFile, mkdir, readFile, writeFile } from 'node:fs/promises';
import { basename, join } from 'node:path';
import { buildDecoderGraph } from '../decoder/build-decoder';
import type { DecoderShape } from '../decoder/decoder-weights';
import { fileEntry } from '../file-hash';
import { imageCodeRangesFromTokenizer } from '../image-code-ranges';
import { MANIFEST_FORMAT_VERSION, ModelManifest, type CodeRange, type FileEntry } from '../manifest';
import { writeModel } from '../onnx/write-model';
import { DECODER_FILE, MANIFEST_FILE, TOKENIZER_FILE } from '../tiny/build-tiny-package';
import { PURE_INSTRUCTION, tinySpec } from '../tiny/tiny-specs';
import { writeVqGraphs } from '../vq/build-vq-graphs';
import { VQ_8, VqConfig, vqDownsample } from '../vq/vq-config';
import { vqTensors } from '../vq/vq-tensors';
import { checkTensors, readFloat32 } from './check-tensors';
import { ImportError } from './import-error';
import { isDroppedPureTensor, pureExpectedTensors, readPureDecoderShape } from './pure-config';
import { openSafetensorsDir } from './open-safetensors';
import type { TensorSource } from './tensor-source';
import { openTorchCheckpoint } from './open-torch-checkpoint';

export interface ImportPureOptions {
  /** Hugging Face folder of PURE: config.json, model.safetensors.index.json + shards, text tokenizer. */
  pureDir: string;
  /** LlamaGen `vq_ds8_c2i.pt` (state dict under "model"). */
  vqFile: string;
  /** Package folder to write (created if needed). */
  outDir: string;
  /** Decoder weight/KV dtype. Default float16 (the GPU package). */
  dtype?: 'float32' | 'float16';
  /** VQ weight storage (compute is float32 either way). Default float32: PURE runs its VQ in fp32. */
  vqDtype?: 'float32' | 'float16';
  /** Package name in the manifest. Default `pure-7b`. */
  name?: string;
  /** Tokenizer with the IMGIMG entries; default: `text_tokenizer.json`, else `tokenizer.json`, in pureDir. */
  tokenizerFile?: string;
  /** VQ shape; default LlamaGen VQ-8 at 512 px. Tests pass a tiny body. */
  vqConfig?: VqConfig;
  /** Decoder ONNX external data mode (default 'auto': external above 2 GB). */
  externalData?: 'auto' | 'always' | 'never';
  /**
   * The instruction's ids from the reference tokenizer (BOS excluded), e.g. printed once by
   * `python -c "from transformers import AutoTokenizer as T; print(T.from_pretrained(DIR).encode(TEXT, add_special_tokens=False))"`.
   * Stored in the manifest; without them the worker encodes the text with tokenizers.js.
   */
  instructionIds?: number[];
}

export interface ImportPureResult {
  manifest: ModelManifest;
  /** Checkpoint tensors left out: Chameleon's VQ-VAE and anything else the graphs do not read. */
  dropped: string[];
}

async function findTokenizer(opts: ImportPureOptions): Promise<string> {
  if (opts.tokenizerFile) return opts.tokenizerFile;
  for (const name of ['text_tokenizer.json', 'tokenizer.json']) {
    const path = join(opts.pureDir, name);
    try {
      await access(path);
      return path;
    } catch {
      // try the next name
    }
  }
  throw new ImportError(`${opts.pureDir} has neither text_tokenizer.json nor tokenizer.json`);
}

/** Imports PURE + LlamaGen VQ into `outDir` and returns the manifest written there. */
export async function importPure(opts: ImportPureOptions): Promise<ImportPureResult> {
  const dtype = opts.dtype ?? 'float16';
  const vqDtype = opts.vqDtype ?? 'float32';
  const vqConfig = VqConfig.parse(opts.vqConfig ?? VQ_8);
  // PURE's special ids, size-token rule and sampling defaults: the `small` spec carries them exactly.
  const pure = tinySpec('small');
  const shape: DecoderShape = await readPureDecoderShape(opts.pureDir, dtype);

  const tokenizerPath = await findTokenizer(opts);
  let imageCodes: CodeRange[];
  try {
    imageCodes = imageCodeRangesFromTokenizer(JSON.parse(await readFile(tokenizerPath, 'utf8')));
  } catch (cause) {
    throw new ImportError(`${tokenizerPath}: ${(cause as Error).message}`, { cause });
  }
  const codes = imageCodes.reduce((n, r) => n + r.count, 0);
  if (codes !== vqConfig.codebookSize) {
    throw new ImportError(`${tokenizerPath} maps ${codes} image codes but the VQ codebook has ${vqConfig.codebookSize}`);
  }
  const maxId = Math.max(...Object.values(pure.ids), ...imageCodes.map((r) => r.firstId + r.count - 1));
  if (maxId >= shape.vocabSize) throw new ImportError(`${join(opts.pureDir, 'config.json')}: vocab_size ${shape.vocabSize} is below PURE's id ${maxId}`);

  const lm = await openSafetensorsDir(opts.pureDir);
  let vq: TensorSource | undefined;
  try {
    const lora = lm.names().find((n) => /\.(lora_[AB]|base_layer)\./.test(n) && !isDroppedPureTensor(n));
    if (lora) throw new ImportError(`${opts.pureDir} holds unmerged LoRA tensors (${lora}): merge them before import`);
    const expected = pureExpectedTensors(shape);
    checkTensors(lm, expected, opts.pureDir);
    vq = await openTorchCheckpoint(opts.vqFile, 'model');
    const vqExpected = vqTensors(vqConfig).map(({ name, shape: s }) => ({ name, shapes: [s] }));
    checkTensors(vq, vqExpected, opts.vqFile);
    const used = new Set(expected.map((e) => e.name));
    const usedVq = new Set(vqExpected.map((e) => e.name));
    const dropped = [
      ...lm.names().filter((n) => !used.has(n)),
      ...vq.names().filter((n) => !usedVq.has(n)).map((n) => `${basename(opts.vqFile)}:${n}`),
    ];

    await mkdir(opts.outDir, { recursive: true });
    const written: string[] = [];
    const tokenizerOut = join(opts.outDir, TOKENIZER_FILE);
    await copyFile(tokenizerPath, tokenizerOut);
    written.push(tokenizerOut);
    const graph = buildDecoderGraph(shape, (name) => readFloat32(lm, name, dtype === 'float16'));
    written.push(...writeModel(graph, join(opts.outDir, DECODER_FILE), { externalData: opts.externalData }).files);
    const vqSrc = vq;
    const vqFiles = writeVqGraphs({ config: vqConfig, weights: (name) => readFloat32(vqSrc, name, vqDtype === 'float16'), dtype: vqDtype, outDir: opts.outDir });
    written.push(...vqFiles.paths);

    const files: Record<string, FileEntry> = {};
    for (const path of written.sort()) files[basename(path)] = fileEntry(path);
    const manifest = ModelManifest.parse({
      format: 'pure-model-package',
      formatVersion: MANIFEST_FORMAT_VERSION,
      name: opts.name ?? 'pure-7b',
      vocab: { size: shape.vocabSize, ...pure.ids, sizeToken: pure.sizeToken, imageCodes, tokenizer: TOKENIZER_FILE },
      image: { size: vqConfig.imageSize, downsample: vqDownsample(vqConfig) },
      decoder: { file: DECODER_FILE, ...shape },
      vq: { encoderFile: vqFiles.encoderFile, decoderFile: vqFiles.decoderFile, codebookSize: vqConfig.codebookSize, codeDim: vqConfig.codeDim, dtype: vqDtype },
      sampling: pure.sampling,
      prompt: { instruction: PURE_INSTRUCTION, ...(opts.instructionIds ? { instructionIds: opts.instructionIds } : {}) },
      files,
    });
    await writeFile(join(opts.outDir, MANIFEST_FILE), `${JSON.stringify(manifest, null, 2)}\n`);
    return { manifest, dropped };
  } finally {
    lm.close();
    vq?.close();
  }
}
