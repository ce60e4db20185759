/**
 * The image side after generation: VQ decode, uint8 truncation, optional wavelet colour fix against the
 * bicubic LQ, and encoding in the requested format. Timed per phase, in seconds.
 */
import type { OutputFormat } from '@pure/contracts/params';
import { colorFix } from './color-fix';
import { encodeImage } from './encode-image';
import { toRgb8 } from './postprocess';
import type { RgbImage } from './preprocess';
import type { VqCodec } from './vq';

/** A finished output image and where the time went. */
export interface FinishedImage {
  bytes: Uint8Array;
  rgb: RgbImage;
  /** VQ decode, uint8 conversion and encoding; colour fix (0 when off). */
  timings: { decode: number; colorFix: number };
}

const seconds = (t0: number) => (performance.now() - t0) / 1000;

/** Decodes `codes` to an encoded image; `lq` is the bicubic input the colour fix takes low frequencies from. */
export async function finishImage(
  codec: Pick<VqCodec, 'decode' | 'size'>,
  codes: Int32Array,
  lq: RgbImage,
  opts: { colorFix: boolean; output: OutputFormat },
): Promise<FinishedImage> {
  let t0 = performance.now();
  const decoded = toRgb8(await codec.decode(codes), codec.size);
  let decode = seconds(t0);
  t0 = performance.now();
  const rgb = opts.colorFix ? colorFix(decoded, lq) : decoded;
  const fixTime = opts.colorFix ? seconds(t0) : 0;
  t0 = performance.now();
  const bytes = await encodeImage(rgb, opts.output);
  decode += seconds(t0);
  return { bytes, rgb, timings: { decode, colorFix: fixTime } };
}
