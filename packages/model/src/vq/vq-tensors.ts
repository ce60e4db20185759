/**
 * Every tensor a LlamaGen VQ state dict holds for a config, under LlamaGen's own names (the names
 * `torch.load("vq_ds8_c2i.pt")["model"]` uses), with shapes. The importer checks against this list, the
 * seeded generator fills it, and the graph builder reads weights by these names.
 */
import type { VqConfig } from './vq-config';

/** One expected tensor. */
export interface TensorSpec {
  name: string;
  shape: number[];
}

/** Weights by LlamaGen name, float32, row-major in `shape`. */
export type VqWeights = Map<string, Float32Array>;

/** Weights read lazily by LlamaGen name, when the graph is written (an import reads them from disk then). */
export type VqWeightSource = (name: string) => Float32Array;

/** A map or a lazy source, as a lazy source that names a missing weight. */
export function vqWeightSource(w: VqWeights | VqWeightSource): VqWeightSource {
  if (typeof w === 'function') return w;
  return (name) => {
    const data = w.get(name);
    if (!data) throw new Error(`VQ weight ${name} is missing`);
    return data;
  };
}

function conv(out: TensorSpec[], name: string, cout: number, cin: number, k: number): void {
  out.push({ name: `${name}.weight`, shape: [cout, cin, k, k] }, { name: `${name}.bias`, shape: [cout] });
}

function norm(out: TensorSpec[], name: string, c: number): void {
  out.push({ name: `${name}.weight`, shape: [c] }, { name: `${name}.bias`, shape: [c] });
}

function resBlock(out: TensorSpec[], name: string, cin: number, cout: number): void {
  norm(out, `${name}.norm1`, cin);
  conv(out, `${name}.conv1`, cout, cin, 3);
  norm(out, `${name}.norm2`, cout);
  conv(out, `${name}.conv2`, cout, cout, 3);
  if (cin !== cout) conv(out, `${name}.nin_shortcut`, cout, cin, 1);
}

function attnBlock(out: TensorSpec[], name: string, c: number): void {
  norm(out, `${name}.norm`, c);
  for (const p of ['q', 'k', 'v', 'proj_out']) conv(out, `${name}.${p}`, c, c, 1);
}

/** Encoder tensors, `encoder.*`, in module order. */
export function encoderTensors(c: VqConfig): TensorSpec[] {
  const out: TensorSpec[] = [];
  const levels = c.encoderChMult.length;
  conv(out, 'encoder.conv_in', c.ch, 3, 3);
  let cin = c.ch;
  for (let i = 0; i < levels; i++) {
    const cout = c.ch * c.encoderChMult[i];
    for (let j = 0; j < c.numResBlocks; j++) {
      resBlock(out, `encoder.conv_blocks.${i}.res.${j}`, cin, cout);
      cin = cout;
      if (i === levels - 1) attnBlock(out, `encoder.conv_blocks.${i}.attn.${j}`, cout);
    }
    if (i !== levels - 1) conv(out, `encoder.conv_blocks.${i}.downsample.conv`, cin, cin, 3);
  }
  resBlock(out, 'encoder.mid.0', cin, cin);
  attnBlock(out, 'encoder.mid.1', cin);
  resBlock(out, 'encoder.mid.2', cin, cin);
  norm(out, 'encoder.norm_out', cin);
  conv(out, 'encoder.conv_out', c.zChannels, cin, 3);
  return out;
}

/** Decoder tensors, `decoder.*`; conv_blocks.0 is the lowest resolution (LlamaGen iterates levels reversed). */
export function decoderTensors(c: VqConfig): TensorSpec[] {
  const out: TensorSpec[] = [];
  const levels = c.decoderChMult.length;
  let cin = c.ch * c.decoderChMult[levels - 1];
  conv(out, 'decoder.conv_in', cin, c.zChannels, 3);
  resBlock(out, 'decoder.mid.0', cin, cin);
  attnBlock(out, 'decoder.mid.1', cin);
  resBlock(out, 'decoder.mid.2', cin, cin);
  for (let b = 0; b < levels; b++) {
    const cout = c.ch * c.decoderChMult[levels - 1 - b];
    for (let j = 0; j < c.numResBlocks + 1; j++) {
      resBlock(out, `decoder.conv_blocks.${b}.res.${j}`, cin, cout);
      cin = cout;
      if (b === 0) attnBlock(out, `decoder.conv_blocks.${b}.attn.${j}`, cout);
    }
    if (b !== levels - 1) conv(out, `decoder.conv_blocks.${b}.upsample.conv`, cin, cin, 3);
  }
  norm(out, 'decoder.norm_out', cin);
  conv(out, 'decoder.conv_out', 3, cin, 3);
  return out;
}

/** Codebook, `quantize.embedding.weight` [codebookSize, codeDim]. */
export const CODEBOOK = 'quantize.embedding.weight';

/** All tensors the encoder graph needs. */
export function vqEncoderTensors(c: VqConfig): TensorSpec[] {
  const out = encoderTensors(c);
  conv(out, 'quant_conv', c.codeDim, c.zChannels, 1);
  out.push({ name: CODEBOOK, shape: [c.codebookSize, c.codeDim] });
  return out;
}

/** All tensors the decoder graph needs. */
export function vqDecoderTensors(c: VqConfig): TensorSpec[] {
  const out: TensorSpec[] = [{ name: CODEBOOK, shape: [c.codebookSize, c.codeDim] }];
  conv(out, 'post_quant_conv', c.zChannels, c.codeDim, 1);
  return [...out, ...decoderTensors(c)];
}

/** Every tensor of the VQ state dict that inference uses (LlamaGen's `quantize.codebook_used` is not one). */
export function vqTensors(c: VqConfig): TensorSpec[] {
  const seen = new Set<string>();
  return [...vqEncoderTensors(c), ...vqDecoderTensors(c)].filter((t) => !seen.has(t.name) && seen.add(t.name));
}
