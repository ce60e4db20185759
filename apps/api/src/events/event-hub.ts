/** One Redis subscriber connection shared by every SSE stream of the process, fanned out in memory. */
import type { Redis } from 'ioredis';

type Listener = (message: string) => void;

/** Subscribes channels on first use and unsubscribes when the last listener leaves. */
export class EventHub {
  private readonly listeners = new Map<string, Set<Listener>>();

  constructor(private readonly subscriber: Redis) {
    subscriber.on('message', (channel: string, message: string) => {
      for (const fn of this.listeners.get(channel) ?? []) fn(message);
    });
  }

  /** Calls `fn` with each message on `channel` until the returned function is called. */
  async subscribe(channel: string, fn: Listener): Promise<() => Promise<void>> {
    let set = this.listeners.get(channel);
    if (!set) {
      set = new Set();
      this.listeners.set(channel, set);
      await this.subscriber.subscribe(channel);
    }
    set.add(fn);
    return async () => {
      const current = this.listeners.get(channel);
      if (!current) return;
      current.delete(fn);
      if (current.size === 0) {
        this.listeners.delete(channel);
        await this.subscriber.unsubscribe(channel).catch(() => undefined);
      }
    };
  }

  /** Closes the subscriber connection. */
  close(): void {
    this.subscriber.disconnect();
  }
}
