/** Upload bodies: read into memory once, so a retry can send the same bytes again. */
import { createHash } from 'node:crypto';
import type { Readable } from 'node:stream';

/** What `put` accepts. A stream is read to the end first (callers bound its size, e.g. the api's byte limit). */
export type PutBody = Uint8Array | string | Readable;

/** The body as bytes. */
export async function bodyBytes(body: PutBody): Promise<Buffer> {
  if (typeof body === 'string') return Buffer.from(body, 'utf8');
  if (Buffer.isBuffer(body)) return body;
  if (body instanceof Uint8Array) return Buffer.from(body.buffer, body.byteOffset, body.byteLength);
  const chunks: Buffer[] = [];
  for await (const chunk of body) {
    chunks.push(typeof chunk === 'string' ? Buffer.from(chunk) : Buffer.from(chunk as Uint8Array));
  }
  return Buffer.concat(chunks);
}

/** Lowercase hex SHA-256 of `bytes`. */
export function sha256Hex(bytes: Uint8Array): string {
  return createHash('sha256').update(bytes).digest('hex');
}
