/**
 * Entry point for VQ packages: the encoder and decoder graphs of a config, from given weights (an
 * import) or from a seed (tiny packages), and a writer that puts both .onnx files in a folder.
 */
import { join } from 'node:path';
import type { GraphBuilder } from '../onnx/graph-builder';
import { writeModel } from '../onnx/write-model';
import type { VqWeightDtype } from './vq-blocks';
import { VqConfig } from './vq-config';
import { buildVqDecoderGraph, buildVqEncoderGraph } from './vq-graphs';
import { randomVqWeights } from './vq-random-weights';
import { vqWeightSource, type VqWeightSource, type VqWeights } from './vq-tensors';

export interface BuildVqOptions {
  config: VqConfig;
  /** Weights by LlamaGen name (a map, or a source read lazily at write time); when absent, `seed` makes random ones. */
  weights?: VqWeights | VqWeightSource;
  /** Seed for random weights (default 0). */
  seed?: number;
  /** Weight storage; compute and the pixel tensors are float32 either way. Default float32. */
  dtype?: VqWeightDtype;
}

/** Both VQ graphs, ready for `writeModel`. */
export function buildVqGraphs(opts: BuildVqOptions): { encoder: GraphBuilder; decoder: GraphBuilder } {
  const config = VqConfig.parse(opts.config);
  const weights = vqWeightSource(opts.weights ?? randomVqWeights(config, opts.seed ?? 0));
  const dtype = opts.dtype ?? 'float32';
  return { encoder: buildVqEncoderGraph(config, weights, dtype), decoder: buildVqDecoderGraph(config, weights, dtype) };
}

/** Default file names inside a model package. */
export const VQ_ENCODER_FILE = 'vq-encoder.onnx';
export const VQ_DECODER_FILE = 'vq-decoder.onnx';

/** Builds and writes `vq-encoder.onnx` and `vq-decoder.onnx` into `outDir`; returns their file names and every path written. */
export function writeVqGraphs(
  opts: BuildVqOptions & { outDir: string },
): { encoderFile: string; decoderFile: string; paths: string[] } {
  const { encoder, decoder } = buildVqGraphs(opts);
  const paths = [
    ...writeModel(encoder, join(opts.outDir, VQ_ENCODER_FILE)).files,
    ...writeModel(decoder, join(opts.outDir, VQ_DECODER_FILE)).files,
  ];
  return { encoderFile: VQ_ENCODER_FILE, decoderFile: VQ_DECODER_FILE, paths };
}
