/**
 * Input checks, before anything is stored: bytes, format allowlist (by signature, then by the decoder's own
 * reading), pixel count from the header alone (a 30000x30000 claim is refused without decoding), and a full
 * decode that catches truncated or corrupt files. The decode is bounded by the pixel limit (memory: up to
 * 4 bytes per pixel while it runs; the routes run at most 4 at once); it costs about as much as the worker's
 * own preprocessing, and it is the only way to know the file is whole.
 */
import sharp, { type Metadata } from 'sharp';
import { ApiError } from '../http/api-error';
import { sniffFormat, type AcceptedFormat } from './sniff-format';

export interface ImageLimits {
  maxBytes: number;
  maxPixels: number;
}

export interface CheckedImage {
  format: AcceptedFormat;
  width: number;
  height: number;
  bytes: number;
}

const ACCEPTED = 'png, jpeg, webp, tiff, avif';
const PNG_IEND = Buffer.from('0000000049454e44ae426082', 'hex');

/** Width and height from a PNG's IHDR, read by hand so a huge claim is refused even if the rest is junk. */
function pngHeaderSize(buf: Buffer): { width: number; height: number } | null {
  if (buf.length < 24 || buf.subarray(12, 16).toString('latin1') !== 'IHDR') return null;
  return { width: buf.readUInt32BE(16), height: buf.readUInt32BE(20) };
}

function checkPixels(width: number, height: number, limits: ImageLimits, what: string): void {
  if (width * height > limits.maxPixels) {
    throw new ApiError(422, 'too_many_pixels', `${what} is ${width}x${height} (${width * height} pixels); the limit is ${limits.maxPixels}`);
  }
}

/** Checks one image; `what` names it in messages (e.g. `items[3]`). Throws ApiError (4xx). */
export async function checkImage(buf: Buffer, limits: ImageLimits, what = 'image'): Promise<CheckedImage> {
  if (buf.length === 0) throw new ApiError(400, 'empty_input', `${what} is empty (0 bytes)`);
  if (buf.length > limits.maxBytes) throw new ApiError(413, 'image_too_large', `${what} is ${buf.length} bytes; the limit is ${limits.maxBytes}`);
  const sniffed = sniffFormat(buf);
  if (sniffed === null) throw new ApiError(415, 'unsupported_format', `${what} is not an image in an accepted format (${ACCEPTED})`);
  if ('refused' in sniffed) throw new ApiError(415, 'unsupported_format', `${what} is ${sniffed.refused}; accepted formats: ${ACCEPTED}`);

  const claimed = pngHeaderSize(buf);
  if (claimed) checkPixels(claimed.width, claimed.height, limits, what);
  if (sniffed.accepted === 'png' && !buf.subarray(-12).equals(PNG_IEND)) {
    throw new ApiError(422, 'corrupt_image', `${what} is truncated: the png does not end with its IEND chunk`);
  }

  let meta: Metadata;
  try {
    meta = await sharp(buf, { limitInputPixels: false }).metadata(); // header only
  } catch (err) {
    throw new ApiError(422, 'corrupt_image', `${what}: the ${sniffed.accepted} header cannot be read`, { cause: err });
  }
  const decoded = meta.format === 'heif' ? (meta.compression === 'av1' ? 'avif' : 'heic') : meta.format;
  if (decoded !== sniffed.accepted) throw new ApiError(415, 'unsupported_format', `${what} is ${decoded}; accepted formats: ${ACCEPTED}`);
  const { width, height } = meta;
  if (!width || !height) throw new ApiError(422, 'corrupt_image', `${what}: the header has no size`);
  checkPixels(width, height, limits, what);
  try {
    // A raw decode (pixels discarded) is ~10x cheaper here than stats(), which adds a histogram pass.
    await sharp(buf, { limitInputPixels: limits.maxPixels, failOn: 'truncated', sequentialRead: true }).raw().toBuffer();
  } catch (err) {
    throw new ApiError(422, 'corrupt_image', `${what} is truncated or corrupt: its ${sniffed.accepted} data does not decode`, { cause: err });
  }
  return { format: sniffed.accepted, width, height, bytes: buf.length };
}
