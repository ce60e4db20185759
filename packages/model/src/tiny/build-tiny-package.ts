/**
 * Builds a tiny model package (decoder, VQ encoder/decoder, tokenizer, manifest) from seeded random
 * weights through the same builders as the real import: deterministic, byte-identical on every build.
 */
import { mkdirSync, writeFileSync } from 'node:fs';
import { basename, join } from 'node:path';
import { buildDecoderGraph } from '../decoder/build-decoder';
import { fileEntry } from '../file-hash';
import { imageCodeRangesFromTokenizer } from '../image-code-ranges';
import { MANIFEST_FORMAT_VERSION, ModelManifest, type FileEntry } from '../manifest';
import { writeModel } from '../onnx/write-model';
import { writeVqGraphs } from '../vq/build-vq-graphs';
import { vqDownsample } from '../vq/vq-config';
import { seededDecoderWeights } from './seeded-decoder-weights';
import { PURE_INSTRUCTION, tinySpec, type TinyName, type TinySpec } from './tiny-specs';
import { buildTinyTokenizerJson } from './tiny-tokenizer';

/** Variants of a tiny package. */
export interface BuildTinyOptions {
  /** Weight and KV dtype of the decoder (logits are float32 either way). Default float32. */
  dtype?: 'float32' | 'float16';
  /** Force ONNX external data for the decoder ('always'), e.g. to test that path at tiny scale. */
  externalData?: 'auto' | 'always' | 'never';
}

/** File names inside a package built here. */
export const DECODER_FILE = 'decoder.onnx';
export const TOKENIZER_FILE = 'tokenizer.json';
export const MANIFEST_FILE = 'manifest.json';

/** Writes the VQ encoder and decoder of a tiny package (the builder in ../vq); returns every path written. */
function writeTinyVq(spec: TinySpec, outDir: string, dtype: 'float32' | 'float16') {
  if (spec.vq.imageSize !== spec.image.size || vqDownsample(spec.vq) !== spec.image.downsample) {
    throw new Error(`tiny package ${spec.name}: VQ config (${spec.vq.imageSize} px, /${vqDownsample(spec.vq)}) disagrees with the image (${spec.image.size} px, /${spec.image.downsample})`);
  }
  return writeVqGraphs({ config: spec.vq, seed: spec.seed, dtype, outDir });
}

/** Builds package `name` into `outDir` (created if needed) and returns its manifest. */
export async function buildTinyPackage(name: TinyName, outDir: string, opts: BuildTinyOptions = {}): Promise<ModelManifest> {
  const spec = tinySpec(name);
  const dtype = opts.dtype ?? 'float32';
  mkdirSync(outDir, { recursive: true });
  const written: string[] = [];

  const tokenizer = buildTinyTokenizerJson(spec.tokenizer);
  writeFileSync(join(outDir, TOKENIZER_FILE), JSON.stringify(tokenizer));
  written.push(join(outDir, TOKENIZER_FILE));
  const imageCodes = imageCodeRangesFromTokenizer(tokenizer);

  const decoderShape = { ...spec.decoder, dtype };
  const graph = buildDecoderGraph(decoderShape, seededDecoderWeights(spec.seed));
  written.push(...writeModel(graph, join(outDir, DECODER_FILE), { externalData: opts.externalData }).files);

  const vq = writeTinyVq(spec, outDir, dtype);
  written.push(...vq.paths);

  const files: Record<string, FileEntry> = {};
  for (const path of written.sort()) files[basename(path)] = fileEntry(path);
  const manifest = ModelManifest.parse({
    format: 'pure-model-package',
    formatVersion: MANIFEST_FORMAT_VERSION,
    name: dtype === 'float16' ? `${name}-fp16` : name,
    vocab: { size: spec.decoder.vocabSize, ...spec.ids, sizeToken: spec.sizeToken, imageCodes, tokenizer: TOKENIZER_FILE },
    image: spec.image,
    decoder: { file: DECODER_FILE, ...decoderShape },
    vq: { encoderFile: vq.encoderFile, decoderFile: vq.decoderFile, codebookSize: spec.vq.codebookSize, codeDim: spec.vq.codeDim, dtype },
    sampling: spec.sampling,
    prompt: { instruction: PURE_INSTRUCTION },
    files,
  });
  writeFileSync(join(outDir, MANIFEST_FILE), `${JSON.stringify(manifest, null, 2)}\n`);
  return manifest;
}
