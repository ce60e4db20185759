/** Bearer API keys: each key belongs to one tenant; compared as SHA-256 digests in constant time. */
import { createHash, timingSafeEqual } from 'node:crypto';
import type { FastifyRequest } from 'fastify';
import type { ApiKey } from '../env';
import { ApiError } from './api-error';

declare module 'fastify' {
  interface FastifyRequest {
    /** The authenticated tenant; set by `authenticate` on every /v1 route. */
    tenant: string;
  }
}

/** The tenant owning the request's Bearer key; 401 when the key is missing or unknown. */
export function tenantOf(keys: readonly ApiKey[], authorization: string | undefined): string {
  const m = /^Bearer\s+(\S+)\s*$/i.exec(authorization ?? '');
  if (!m) throw new ApiError(401, 'unauthorized', 'missing API key: send Authorization: Bearer <key>');
  const digest = createHash('sha256').update(m[1]).digest();
  let tenant: string | null = null;
  // Every key is compared, so the time taken does not depend on which one matched.
  for (const key of keys) if (timingSafeEqual(digest, key.sha256) && tenant === null) tenant = key.tenant;
  if (tenant === null) throw new ApiError(401, 'unauthorized', 'invalid API key');
  return tenant;
}

/** A preHandler that sets `request.tenant`. */
export function authenticate(keys: readonly ApiKey[]) {
  return async (request: FastifyRequest): Promise<void> => {
    request.tenant = tenantOf(keys, request.headers.authorization);
  };
}
