/** What the /v1 routes share: services plus the submit readers' limits. */
import type { Services } from '../services';
import type { ReadSubmitDeps } from '../submit/read-submit';

export interface RouteDeps extends Services {
  read: ReadSubmitDeps;
}

/** The read limits and input sources from the env. */
export function readDeps(s: Services): ReadSubmitDeps {
  return {
    sources: {
      storage: s.storage,
      inputBuckets: s.env.PURE_INPUT_BUCKETS,
      maxBytes: s.env.PURE_MAX_INPUT_BYTES,
      fetchTimeoutMs: s.env.PURE_URL_FETCH_TIMEOUT_MS,
      allowPrivateUrls: s.env.PURE_ALLOW_PRIVATE_URLS,
    },
    limits: { maxBytes: s.env.PURE_MAX_INPUT_BYTES, maxPixels: s.env.PURE_MAX_INPUT_PIXELS },
    maxItems: s.env.PURE_MAX_BATCH_ITEMS,
  };
}
