/** Encodes an 8-bit RGB image as PNG, WebP or JPEG with sharp. */
import sharp from 'sharp';
import type { OutputFormat } from '@pure/contracts/params';
import type { RgbImage } from './preprocess';

/** Lossy quality for WebP and JPEG: high, because the output is a restoration. */
export const LOSSY_QUALITY = 95;

/** Encodes `img` in `format`; PNG is lossless, the others use `LOSSY_QUALITY`. */
export async function encodeImage(img: RgbImage, format: OutputFormat): Promise<Uint8Array> {
  const s = sharp(img.data, { raw: { width: img.width, height: img.height, channels: 3 } });
  const out =
    format === 'png'
      ? s.png()
      : format === 'webp'
        ? s.webp({ quality: LOSSY_QUALITY })
        : s.jpeg({ quality: LOSSY_QUALITY, chromaSubsampling: '4:4:4' });
  return new Uint8Array(await out.toBuffer());
}
