/** Names an image format from its first bytes, before any decoder sees them. */

/** Formats we accept, as `StoredInput.format` names them. */
export type AcceptedFormat = 'png' | 'jpeg' | 'webp' | 'tiff' | 'avif';

/** The accepted format, a named refused one, or null when the bytes are no image we know. */
export function sniffFormat(b: Buffer): { accepted: AcceptedFormat } | { refused: string } | null {
  const ascii = (from: number, to: number) => b.subarray(from, to).toString('latin1');
  if (b.length >= 8 && b.readUInt32BE(0) === 0x89504e47 && b.readUInt32BE(4) === 0x0d0a1a0a) return { accepted: 'png' };
  if (b.length >= 3 && b[0] === 0xff && b[1] === 0xd8 && b[2] === 0xff) return { accepted: 'jpeg' };
  if (b.length >= 12 && ascii(0, 4) === 'RIFF' && ascii(8, 12) === 'WEBP') return { accepted: 'webp' };
  if (b.length >= 4 && (ascii(0, 4) === 'II*\0' || ascii(0, 4) === 'MM\0*')) return { accepted: 'tiff' };
  if (b.length >= 12 && ascii(4, 8) === 'ftyp') {
    const brand = ascii(8, 12);
    if (brand === 'avif' || brand === 'avis') return { accepted: 'avif' };
    return { refused: `HEIF/ISO media (brand ${JSON.stringify(brand)})` };
  }
  if (b.length >= 4 && ascii(0, 4).startsWith('GIF8')) return { refused: 'GIF' };
  if (b.length >= 2 && ascii(0, 2) === 'BM') return { refused: 'BMP' };
  if (b.length >= 4 && b.readUInt32BE(0) === 0x00000100) return { refused: 'ICO' };
  if (b.length >= 4 && ascii(0, 4) === '%PDF') return { refused: 'PDF' };
  if (b.length >= 5 && /^\s*<(\?xml|svg)/i.test(ascii(0, 64))) return { refused: 'SVG' };
  if (b.length >= 12 && b.readUInt32BE(0) === 0x0000000c && ascii(4, 8) === 'jP  ') return { refused: 'JPEG 2000' };
  return null;
}
