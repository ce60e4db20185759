/**
 * The VQ image codec over the package's two ONNX graphs: pixels [1,3,S,S] in [-1,1] -> codes [1, grid*grid]
 * int64 (raster order), and back. Pixels cross the graph boundary as float32 whatever the package's
 * weight dtype (fp16 packages cast inside the graph), as in the reference, which runs the VQ in fp32.
 */
import { gridOf, type ModelManifest } from '@pure/model/manifest';
import { OrtSession, tensor, type SessionOptions, type Tensor } from '@pure/model/session';
import { float16ToFloat32 } from '@pure/model/onnx/float16';

/** The part of a loaded model package the codec needs. */
export interface VqFiles {
  manifest: ModelManifest;
  paths: { vqEncoder: string; vqDecoder: string };
}

/** Encodes images to code grids and decodes code grids to images with the package's VQ model. */
export class VqCodec {
  private constructor(
    private readonly encoder: OrtSession,
    private readonly decoder: OrtSession,
    readonly size: number,
    readonly grid: number,
    readonly codebookSize: number,
  ) {}

  /** Loads both graphs on the given execution provider. */
  static async create(pkg: VqFiles, opts: SessionOptions = {}): Promise<VqCodec> {
    const m = pkg.manifest;
    const encoder = await OrtSession.create(pkg.paths.vqEncoder, opts);
    const decoder = await OrtSession.create(pkg.paths.vqDecoder, opts).catch(async (err: unknown) => {
      await encoder.dispose();
      throw err;
    });
    return new VqCodec(encoder, decoder, m.image.size, gridOf(m), m.vq.codebookSize);
  }

  /** CHW float32 pixels ([3, size, size], in [-1, 1]) -> grid*grid codes in raster order. */
  async encode(pixels: Float32Array): Promise<Int32Array> {
    const { size, grid } = this;
    if (pixels.length !== 3 * size * size) throw new Error(`VQ encode: ${pixels.length} values is not 3x${size}x${size}`);
    const out = await this.encoder.run({ [this.encoder.inputNames[0]]: tensor('float32', pixels, [1, 3, size, size]) });
    const codes = toInt32(out[this.encoder.outputNames[0]]);
    if (codes.length !== grid * grid) throw new Error(`VQ encoder returned ${codes.length} codes, expected ${grid * grid}: the package is broken, do not retry`);
    for (const c of codes) if (c < 0 || c >= this.codebookSize) throw new Error(`VQ encoder returned code ${c} outside [0, ${this.codebookSize}): do not retry`);
    return codes;
  }

  /** grid*grid codes in raster order -> CHW float32 pixels, unclamped (roughly [-1, 1]). */
  async decode(codes: Int32Array): Promise<Float32Array> {
    const { size, grid } = this;
    if (codes.length !== grid * grid) throw new Error(`VQ decode: ${codes.length} codes, expected ${grid * grid}`);
    const ids = new BigInt64Array(codes.length);
    for (let i = 0; i < codes.length; i++) {
      if (codes[i] < 0 || codes[i] >= this.codebookSize) throw new Error(`VQ decode: code ${codes[i]} outside [0, ${this.codebookSize})`);
      ids[i] = BigInt(codes[i]);
    }
    const out = await this.decoder.run({ [this.decoder.inputNames[0]]: tensor('int64', ids, [1, codes.length]) });
    const t = out[this.decoder.outputNames[0]];
    const pixels = t.type === 'float16' ? float16ToFloat32(t.data as Uint16Array) : Float32Array.from(t.data as Float32Array);
    if (pixels.length !== 3 * size * size) throw new Error(`VQ decoder returned ${pixels.length} values, expected 3x${size}x${size}: do not retry`);
    return pixels;
  }

  /** Releases both sessions. */
  async dispose(): Promise<void> {
    await Promise.all([this.encoder.dispose(), this.decoder.dispose()]);
  }
}

function toInt32(t: Tensor): Int32Array {
  const d = t.data;
  if (d instanceof BigInt64Array) return Int32Array.from(d, (v) => Number(v));
  if (d instanceof Int32Array) return Int32Array.from(d);
  throw new Error(`VQ encoder output has type ${t.type}, expected int64: the package is broken, do not retry`);
}
