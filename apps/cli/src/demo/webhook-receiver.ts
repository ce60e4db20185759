/**
 * The demo's webhook endpoint on loopback: verifies every delivery's Standard Webhooks signature
 * (`standardwebhooks`, with the tenant's secret from `GET /v1/webhooks/secret`) and counts what arrived.
 */
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { setTimeout as sleep } from 'node:timers/promises';
import { Webhook } from 'standardwebhooks';
import { WebhookEvent } from '@pure/contracts/events';

/** One delivery as received. */
export interface Delivery {
  /** The event type, or null when the body was not a webhook event. */
  type: string | null;
  /** True when the signature verified with the secret. */
  verified: boolean;
  webhookId: string;
  /** The event's data (the job or batch view), or {} when the body was not a verified event. */
  data: Record<string, unknown>;
}

/** A listening receiver. */
export interface WebhookReceiver {
  url: string;
  deliveries: Delivery[];
  /** Resolves true once `done(deliveries)` holds, false after `timeoutMs`. */
  waitFor(done: (d: Delivery[]) => boolean, timeoutMs: number, signal?: AbortSignal): Promise<boolean>;
  close(): Promise<void>;
}

/** Listens on a free loopback port; answers 204 to verified deliveries and 401 to others. */
export async function startWebhookReceiver(secret: string): Promise<WebhookReceiver> {
  const verifier = new Webhook(secret);
  const deliveries: Delivery[] = [];
  const waiters = new Set<() => void>();
  const server: Server = createServer((req, res) => {
    const chunks: Buffer[] = [];
    req.on('data', (c: Buffer) => chunks.push(c));
    req.on('end', () => {
      const body = Buffer.concat(chunks).toString('utf8');
      let delivery: Delivery;
      try {
        const event = WebhookEvent.safeParse(verifier.verify(body, req.headers as Record<string, string>));
        const webhookId = String(req.headers['webhook-id']);
        delivery = event.success ? { type: event.data.type, verified: true, webhookId, data: event.data.data } : { type: null, verified: true, webhookId, data: {} };
      } catch {
        delivery = { type: null, verified: false, webhookId: String(req.headers['webhook-id'] ?? ''), data: {} };
      }
      // A retried delivery keeps its webhook-id: count it once.
      if (!deliveries.some((d) => d.verified && d.webhookId === delivery.webhookId)) deliveries.push(delivery);
      res.writeHead(delivery.verified ? 204 : 401).end();
      for (const wake of waiters) wake();
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  return {
    url: `http://127.0.0.1:${port}/webhooks`,
    deliveries,
    async waitFor(done, timeoutMs, signal) {
      const deadline = sleep(timeoutMs, false, { signal, ref: false });
      while (!done(deliveries)) {
        let wake!: () => void;
        const arrived = new Promise<boolean>((resolve) => (wake = () => resolve(true)));
        waiters.add(wake);
        const woke = await Promise.race([arrived, deadline]);
        waiters.delete(wake);
        if (!woke) return done(deliveries);
      }
      return true;
    },
    close: () =>
      new Promise<void>((resolve) => {
        server.closeAllConnections();
        server.close(() => resolve());
      }),
  };
}
