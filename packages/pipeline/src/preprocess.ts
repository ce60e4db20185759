/**
 * LQ preprocessing as the reference does it (PIL `Image.open` -> `resize((S,S), BICUBIC)` unless already
 * S x S -> `_whiten_transparency` -> `x/255*2-1`): decode, resize to the model's square size (aspect ratio
 * not kept) the way Pillow would for this kind of image, drop transparency onto white, normalise to CHW float32.
 */
import sharp from 'sharp';
import { NonRetryableError } from '@pure/contracts/errors/non-retryable-error';
import { premultiply, unpremultiply, whiten } from './alpha';
import { resizeBicubic } from './bicubic';
import { resizeNearest } from './nearest';

/** An 8-bit RGB image, pixels interleaved (HWC). */
export interface RgbImage {
  data: Uint8Array;
  width: number;
  height: number;
}

/** A decoded input: RGB or RGBA (grey expanded), and whether Pillow would hold it as a palette or 1-bit image. */
export interface DecodedImage {
  data: Uint8Array;
  width: number;
  height: number;
  /** 4 only when some pixel is not fully opaque. */
  channels: 3 | 4;
  /** Palette and 1-bit images: Pillow resizes these with NEAREST whatever filter is asked for. */
  indexed: boolean;
}

/** What the rest of the pipeline needs from the input image. */
export interface Preprocessed {
  /** VQ encoder input: [3, size, size] float32 in [-1, 1]. */
  pixels: Float32Array;
  /** The resized RGB image (the bicubic LQ): the colour fix takes its low frequencies from it. */
  lq: RgbImage;
  /** The decoded input before resizing. */
  source: { width: number; height: number; hasAlpha: boolean; indexed: boolean };
}

function unreadable(err: unknown): never {
  throw new NonRetryableError('input_unreadable', `cannot decode the input image: ${(err as Error).message}; do not retry`, { cause: err });
}

/** Decodes any format sharp reads (first frame, no EXIF rotation, as PIL) to 8-bit RGB or RGBA. */
export async function decodeImage(input: Uint8Array): Promise<DecodedImage> {
  // Pillow ignores embedded ICC profiles and reads the stored values; without ignoreIcc sharp would
  // convert a Display P3 or Adobe RGB photo to sRGB and the model would see other pixels.
  const meta = await sharp(input, { ignoreIcc: true }).metadata().catch(unreadable);
  const raw = await sharp(input, { ignoreIcc: true }).raw().toBuffer({ resolveWithObject: true }).catch(unreadable);
  const { width, height, channels: inCh } = raw.info;
  const n = width * height;
  let opaque = true;
  if (inCh === 2 || inCh === 4) for (let i = 0; i < n && opaque; i++) opaque = raw.data[i * inCh + inCh - 1] === 255;
  // An all-opaque alpha channel changes nothing in Pillow's RGBa round trip or the whitening: drop it.
  const channels = opaque ? 3 : 4;
  const data = new Uint8Array(n * channels);
  for (let i = 0; i < n; i++) {
    for (let c = 0; c < 3; c++) data[i * channels + c] = raw.data[i * inCh + (inCh >= 3 ? c : 0)];
    if (channels === 4) data[i * 4 + 3] = raw.data[i * inCh + inCh - 1];
  }
  const indexed = meta.isPalette === true || (meta.bitsPerSample === 1 && (meta.channels ?? inCh) <= 2);
  return { data, width, height, channels, indexed };
}

/** Resizes like PIL `Image.resize(BICUBIC)` for this kind of image, then whitens: RGB out. */
export function resizeLikePillow(img: DecodedImage, size: number): RgbImage {
  const { width: w, height: h, channels: ch } = img;
  let data: Uint8Array;
  if (w === size && h === size) {
    // Pillow returns a copy when the size already matches (and the reference skips resize anyway).
    data = ch === 4 ? whiten(img.data) : img.data.slice();
  } else if (img.indexed) {
    // Whitening is per pixel, so it commutes with picking pixels.
    data = resizeNearest(ch === 4 ? whiten(img.data) : img.data, w, h, 3, size, size);
  } else if (ch === 4) {
    data = whiten(unpremultiply(resizeBicubic(premultiply(img.data), w, h, 4, size, size)));
  } else {
    data = resizeBicubic(img.data, w, h, 3, size, size);
  }
  return { data, width: size, height: size };
}

/** `x/255*2-1` (float64, then float32) from HWC uint8 to CHW float32. */
export function toModelInput(img: RgbImage): Float32Array {
  const n = img.width * img.height;
  const out = new Float32Array(3 * n);
  const d = img.data;
  for (let i = 0; i < n; i++) {
    out[i] = (d[i * 3] / 255) * 2 - 1;
    out[n + i] = (d[i * 3 + 1] / 255) * 2 - 1;
    out[2 * n + i] = (d[i * 3 + 2] / 255) * 2 - 1;
  }
  return out;
}

/** Decodes, resizes to `size` x `size` like Pillow, whitens and normalises an input image. */
export async function preprocess(input: Uint8Array, size: number): Promise<Preprocessed> {
  const img = await decodeImage(input);
  const lq = resizeLikePillow(img, size);
  return {
    pixels: toModelInput(lq),
    lq,
    source: { width: img.width, height: img.height, hasAlpha: img.channels === 4, indexed: img.indexed },
  };
}
