/** `s3://bucket/key` URLs, as clients give inputs and operators give model package locations. */
import { NonRetryableError } from '@pure/contracts/errors/non-retryable-error';

export interface S3Location {
  bucket: string;
  /** The key (or key prefix) after the bucket; `''` for `s3://bucket` or `s3://bucket/`. */
  key: string;
}

// S3's bucket naming rules, loosely: 3-63 of lowercase letters, digits, dots and hyphens.
const BUCKET = /^[a-z0-9][a-z0-9.-]{1,61}[a-z0-9]$/;

/**
 * Splits an `s3://` URL into bucket and key; anything else is a non-retryable `invalid_request`.
 * @example parseS3Url('s3://models/pure/7b/') // { bucket: 'models', key: 'pure/7b/' }
 */
export function parseS3Url(url: string): S3Location {
  const match = /^s3:\/\/([^/]+)(?:\/(.*))?$/.exec(url);
  if (!match || !BUCKET.test(match[1])) {
    throw new NonRetryableError('invalid_request', `expected s3://bucket/key, got ${JSON.stringify(url)}`);
  }
  return { bucket: match[1], key: match[2] ?? '' };
}
