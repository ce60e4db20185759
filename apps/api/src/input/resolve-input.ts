/** Turns a JSON submit's `input` ({base64} | {url} | {s3}) into bytes, within the byte limit. */
import type { JobInput } from '@pure/contracts/job';
import type { Storage } from '@pure/storage/storage';
import { parseS3Url } from '@pure/storage/parse-s3-url';
import { tenantDir } from '@pure/storage/key-layout';
import { ApiError } from '../http/api-error';
import { safeFetch } from '../net/safe-fetch';
import { FetchFailedError } from '../net/fetch-failed-error';

export interface InputSources {
  storage: Storage;
  /** Buckets clients may name in `{s3}` besides their own folder of the api's bucket. */
  inputBuckets: readonly string[];
  maxBytes: number;
  fetchTimeoutMs: number;
  allowPrivateUrls: boolean;
}

const BASE64 = /^[A-Za-z0-9+/]*={0,2}$/;

/** The bytes of one input; `what` names it in messages. Throws ApiError, UrlNotAllowedError, FetchFailedError. */
export async function resolveInput(input: JobInput, tenant: string, src: InputSources, what: string): Promise<Buffer> {
  if ('base64' in input) {
    const text = input.base64.replace(/^data:[^;,]*;base64,/, '');
    if (!BASE64.test(text) || text.length % 4 !== 0) throw new ApiError(400, 'invalid_request', `${what}.base64 is not valid base64`);
    if ((text.length / 4) * 3 - 2 > src.maxBytes) throw new ApiError(413, 'image_too_large', `${what} is over the ${src.maxBytes} byte limit`);
    return Buffer.from(text, 'base64');
  }
  if ('url' in input) {
    const res = await safeFetch(input.url, {
      timeoutMs: src.fetchTimeoutMs,
      maxBytes: src.maxBytes,
      maxRedirects: 5,
      allowPrivate: src.allowPrivateUrls,
    });
    if (res.status < 200 || res.status >= 300) throw new FetchFailedError(`${what}.url answered HTTP ${res.status}`, res.status >= 500);
    return res.body;
  }
  let location;
  try {
    location = parseS3Url(input.s3);
  } catch {
    throw new ApiError(400, 'invalid_request', `${what}.s3: expected s3://bucket/key`);
  }
  const own = location.bucket === src.storage.bucket;
  const allowed = own ? location.key.startsWith(tenantDir(src.storage.prefix, tenant)) : src.inputBuckets.includes(location.bucket);
  if (!allowed) throw new ApiError(403, 'url_not_allowed', `${what}.s3: that bucket or folder is not open to this API key`);
  const store = own ? src.storage : src.storage.withBucket(location.bucket);
  const head = await store.head(location.key);
  if (!head) throw new ApiError(422, 'input_missing', `${what}.s3: no such object`);
  if (head.size > src.maxBytes) throw new ApiError(413, 'image_too_large', `${what} is ${head.size} bytes; the limit is ${src.maxBytes}`);
  return store.get(location.key);
}
