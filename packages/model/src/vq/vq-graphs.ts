/**
 * The LlamaGen VQ encoder and decoder as ONNX graphs.
 * Encoder: pixels [batch,3,S,S] float32 in [-1,1] -> encoder -> quant_conv -> nearest L2-normalised code
 * -> codes [batch, grid*grid] int64, row-major. Decoder: codes -> L2-normalised codebook rows ->
 * post_quant_conv -> decoder -> pixels [batch,3,S,S] float32, not clamped (the pipeline clamps).
 */
import { GraphBuilder } from '../onnx/graph-builder';
import { VqBlocks, type Act, type VqWeightDtype } from './vq-blocks';
import { vqGrid, type VqConfig } from './vq-config';
import { CODEBOOK, type VqWeightSource } from './vq-tensors';

/** Graph input and output names, shared by both graphs and the pipeline. */
export const VQ_PIXELS = 'pixels';
export const VQ_CODES = 'codes';

/**
 * Codebook rows divided by their L2 norm (torch F.normalize, eps 1e-12), computed in float64 at build
 * time: the same for every call, so the graph need not redo it.
 */
export function normalizedCodebook(e: Float32Array, c: VqConfig): Float32Array {
  if (e.length !== c.codebookSize * c.codeDim) throw new Error(`VQ weight ${CODEBOOK} has ${e.length} values, expected [${c.codebookSize},${c.codeDim}]`);
  const out = new Float32Array(e.length);
  for (let k = 0; k < c.codebookSize; k++) {
    let s = 0;
    for (let d = 0; d < c.codeDim; d++) s += e[k * c.codeDim + d] ** 2;
    const inv = 1 / Math.max(Math.sqrt(s), 1e-12);
    for (let d = 0; d < c.codeDim; d++) out[k * c.codeDim + d] = e[k * c.codeDim + d] * inv;
  }
  return out;
}

function codebookInit(g: GraphBuilder, weights: VqWeightSource, c: VqConfig): string {
  return g.initializer(`${CODEBOOK}.normalized`, 'float32', [c.codebookSize, c.codeDim], () => normalizedCodebook(weights(CODEBOOK), c));
}

/** The encoder graph: `pixels` -> `codes`. */
export function buildVqEncoderGraph(c: VqConfig, weights: VqWeightSource, dtype: VqWeightDtype): GraphBuilder {
  const g = new GraphBuilder('llamagen_vq_encoder');
  const b = new VqBlocks(g, weights, dtype, c.groups);
  const levels = c.encoderChMult.length;
  const grid = vqGrid(c);
  g.input(VQ_PIXELS, 'float32', ['batch', 3, c.imageSize, c.imageSize]);
  let h: Act = b.conv({ name: VQ_PIXELS, channels: 3, height: c.imageSize, width: c.imageSize }, 'encoder.conv_in', c.ch, 3);
  for (let i = 0; i < levels; i++) {
    for (let j = 0; j < c.numResBlocks; j++) {
      h = b.resBlock(h, `encoder.conv_blocks.${i}.res.${j}`, c.ch * c.encoderChMult[i]);
      if (i === levels - 1) h = b.attnBlock(h, `encoder.conv_blocks.${i}.attn.${j}`);
    }
    if (i !== levels - 1) h = b.downsample(h, `encoder.conv_blocks.${i}.downsample`);
  }
  h = b.resBlock(h, 'encoder.mid.0', h.channels);
  h = b.attnBlock(h, 'encoder.mid.1');
  h = b.resBlock(h, 'encoder.mid.2', h.channels);
  h = b.swish(b.groupNorm(h, 'encoder.norm_out'));
  h = b.conv(h, 'encoder.conv_out', c.zChannels, 3);
  h = b.conv(h, 'quant_conv', c.codeDim, 1);
  // z [batch, D, grid, grid] -> [batch, grid*grid, D]: row-major positions.
  const z = g.op('Transpose', [g.op('Reshape', [h.name, g.constI64([0, c.codeDim, -1])])], { perm: [0, 2, 1] });
  // argmin |ẑ - ê|² = argmax ẑ·ê = argmax z·ê: dividing z by its (positive) norm cannot change the argmax.
  const codebookT = g.op('Transpose', [codebookInit(g, weights, c)], { perm: [1, 0] });
  const sims = g.op('MatMul', [z, codebookT]);
  g.op('ArgMax', [sims], { axis: -1, keepdims: 0 }, VQ_CODES);
  g.output(VQ_CODES, 'int64', ['batch', grid * grid]);
  return g;
}

/** The decoder graph: `codes` -> `pixels`. */
export function buildVqDecoderGraph(c: VqConfig, weights: VqWeightSource, dtype: VqWeightDtype): GraphBuilder {
  const g = new GraphBuilder('llamagen_vq_decoder');
  const b = new VqBlocks(g, weights, dtype, c.groups);
  const levels = c.decoderChMult.length;
  const grid = vqGrid(c);
  g.input(VQ_CODES, 'int64', ['batch', grid * grid]);
  const rows = g.op('Gather', [codebookInit(g, weights, c), VQ_CODES], { axis: 0 });
  const quant = g.op('Reshape', [g.op('Transpose', [rows], { perm: [0, 2, 1] }), g.constI64([0, c.codeDim, grid, grid])]);
  let h: Act = b.conv({ name: quant, channels: c.codeDim, height: grid, width: grid }, 'post_quant_conv', c.zChannels, 1);
  h = b.conv(h, 'decoder.conv_in', c.ch * c.decoderChMult[levels - 1], 3);
  h = b.resBlock(h, 'decoder.mid.0', h.channels);
  h = b.attnBlock(h, 'decoder.mid.1');
  h = b.resBlock(h, 'decoder.mid.2', h.channels);
  for (let i = 0; i < levels; i++) {
    for (let j = 0; j < c.numResBlocks + 1; j++) {
      h = b.resBlock(h, `decoder.conv_blocks.${i}.res.${j}`, c.ch * c.decoderChMult[levels - 1 - i]);
      if (i === 0) h = b.attnBlock(h, `decoder.conv_blocks.${i}.attn.${j}`);
    }
    if (i !== levels - 1) h = b.upsample(h, `decoder.conv_blocks.${i}.upsample`);
  }
  h = b.swish(b.groupNorm(h, 'decoder.norm_out'));
  h = b.conv(h, 'decoder.conv_out', 3, 3);
  g.op('Identity', [h.name], {}, VQ_PIXELS);
  g.output(VQ_PIXELS, 'float32', ['batch', 3, c.imageSize, c.imageSize]);
  return g;
}
