/** Test inputs made with sharp. */
import sharp from 'sharp';

/** A small textured PNG; `variant` changes the pixels. */
export async function testImage(variant = 0, width = 24, height = 16): Promise<Buffer> {
  const raw = Buffer.alloc(width * height * 3);
  for (let i = 0; i < raw.length; i++) raw[i] = (i * 37 + variant * 101 + (i >> 4) * 11) & 255;
  return sharp(raw, { raw: { width, height, channels: 3 } }).png().toBuffer();
}
