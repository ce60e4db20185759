/**
 * Each tenant's `whsec_` signing secret: the configured one (PURE_WEBHOOK_SECRETS), else one generated once
 * and kept in Redis (SET NX, no TTL), so `GET /v1/webhooks/secret` always answers and every api and
 * dispatcher process signs with the same secret.
 */
import { randomBytes } from 'node:crypto';
import type { Redis } from 'ioredis';
import type { JobKeys } from '@pure/jobs/keys';

export class WebhookSecrets {
  constructor(
    private readonly redis: Redis,
    private readonly keys: JobKeys,
    private readonly configured: ReadonlyMap<string, string>,
  ) {}

  /** The tenant's secret, generating and persisting one on first use. */
  async get(tenant: string): Promise<string> {
    const fixed = this.configured.get(tenant);
    if (fixed) return fixed;
    const key = this.keys.webhookSecret(tenant);
    const fresh = `whsec_${randomBytes(24).toString('base64')}`;
    await this.redis.set(key, fresh, 'NX');
    const secret = await this.redis.get(key);
    if (!secret) throw new Error(`webhook secret of ${tenant} vanished right after it was written`);
    return secret;
  }
}
