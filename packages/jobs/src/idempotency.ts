/**
 * Idempotency records: `idem:<tenant>:<key>` holds the hash of the first request and, once it succeeded,
 * the answer it got. A replay gets that answer; the same key with another request is a conflict.
 */
import type { Redis } from 'ioredis';
import { z } from 'zod';
import { jobKeys, type JobKeys } from './keys';

/** The stored answer of a completed request. */
export const IdempotentAnswer = z.object({ statusCode: z.number().int(), body: z.unknown() });
export type IdempotentAnswer = z.infer<typeof IdempotentAnswer>;

const IdemRecord = z.object({ requestHash: z.string(), answer: IdempotentAnswer.optional() });

/** What `claim` found: a fresh claim, a finished request to replay, or a conflict. */
export type IdempotencyClaim =
  | { kind: 'claimed' }
  | { kind: 'replay'; answer: IdempotentAnswer }
  | { kind: 'conflict'; reason: 'different_request' | 'in_progress' };

/** Idempotency records with a TTL (24 h by default). */
export class IdempotencyStore {
  private readonly keys: JobKeys;
  constructor(
    private readonly redis: Redis,
    prefix: string,
    private readonly ttlS = 24 * 3600,
  ) {
    this.keys = jobKeys(prefix);
  }

  /** Claims `key` for a request with `requestHash`, atomically (SET NX). */
  async claim(tenant: string, key: string, requestHash: string): Promise<IdempotencyClaim> {
    const k = this.keys.idem(tenant, key);
    const set = await this.redis.set(k, JSON.stringify({ requestHash }), 'EX', this.ttlS, 'NX');
    if (set === 'OK') return { kind: 'claimed' };
    const raw = await this.redis.get(k);
    if (raw === null) return this.claim(tenant, key, requestHash); // expired or released in between
    const record = IdemRecord.parse(JSON.parse(raw));
    if (record.requestHash !== requestHash) return { kind: 'conflict', reason: 'different_request' };
    if (!record.answer) return { kind: 'conflict', reason: 'in_progress' };
    return { kind: 'replay', answer: record.answer };
  }

  /** Stores the answer of a claimed request, keeping the TTL of the claim. */
  async complete(tenant: string, key: string, requestHash: string, answer: IdempotentAnswer): Promise<void> {
    await this.redis.set(this.keys.idem(tenant, key), JSON.stringify({ requestHash, answer }), 'KEEPTTL');
  }

  /** Drops a claim whose request failed, so the client may try again with the same key. */
  async release(tenant: string, key: string): Promise<void> {
    await this.redis.del(this.keys.idem(tenant, key));
  }
}
