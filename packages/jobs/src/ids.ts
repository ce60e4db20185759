/** Job and batch ids: a prefix, a time part (sorts by creation) and 80 random bits. */
import { randomBytes } from 'node:crypto';

const ALPHABET = '0123456789abcdefghjkmnpqrstvwxyz'; // Crockford base32, lower case

function encode(value: bigint, length: number): string {
  let out = '';
  for (let i = 0; i < length; i++) {
    out = ALPHABET[Number(value & 31n)] + out;
    value >>= 5n;
  }
  return out;
}

function newId(prefix: string): string {
  const random = BigInt('0x' + randomBytes(10).toString('hex'));
  return `${prefix}${encode(BigInt(Date.now()), 10)}${encode(random, 16)}`;
}

/** A new job id, `j_` + 26 characters. */
export const newJobId = (): string => newId('j_');
/** A new batch id, `b_` + 26 characters. */
export const newBatchId = (): string => newId('b_');

/** Ids as the api accepts them in paths; anything else is a 404 without touching Redis. */
export const ID_PATTERN = /^[jb]_[0-9a-z]{26}$/;
