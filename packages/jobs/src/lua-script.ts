/** Runs a Lua script by SHA, loading it again when Redis has lost its script cache (restart, failover). */
import { createHash } from 'node:crypto';
import type { Redis } from 'ioredis';

/** A Lua script bound to its SHA1; `run` falls back to EVAL on NOSCRIPT. */
export class LuaScript {
  readonly sha: string;
  constructor(readonly source: string) {
    this.sha = createHash('sha1').update(source).digest('hex');
  }

  async run(redis: Redis, keys: string[], args: (string | number)[]): Promise<unknown> {
    try {
      return await redis.evalsha(this.sha, keys.length, ...keys, ...args);
    } catch (err) {
      if (!(err instanceof Error) || !err.message.startsWith('NOSCRIPT')) throw err;
      return redis.eval(this.source, keys.length, ...keys, ...args);
    }
  }
}
