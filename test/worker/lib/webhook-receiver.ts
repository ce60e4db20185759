/** A loopback HTTP endpoint that receives webhooks and checks their Standard Webhooks signature. */
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { Webhook } from 'standardwebhooks';

export interface ReceivedHook {
  id: string;
  type: string;
  data: Record<string, unknown>;
  /** The signature verified with the tenant's secret. */
  verified: boolean;
}

export class WebhookReceiver {
  readonly hooks: ReceivedHook[] = [];
  private readonly waiters: { pred: (h: ReceivedHook) => boolean; resolve: (h: ReceivedHook) => void }[] = [];
  private server: Server | null = null;
  url = '';

  constructor(readonly secret: string) {}

  async start(): Promise<void> {
    const verifier = new Webhook(this.secret);
    this.server = createServer((req, res) => {
      let body = '';
      req.on('data', (c: Buffer) => (body += c.toString()));
      req.on('end', () => {
        let verified = true;
        try {
          verifier.verify(body, req.headers as Record<string, string>);
        } catch {
          verified = false;
        }
        const event = JSON.parse(body) as { type: string; data: Record<string, unknown> };
        const hook = { id: String(req.headers['webhook-id']), type: event.type, data: event.data, verified };
        this.hooks.push(hook);
        res.writeHead(204).end();
        for (let i = this.waiters.length - 1; i >= 0; i--) if (this.waiters[i].pred(hook)) this.waiters.splice(i, 1)[0].resolve(hook);
      });
    });
    await new Promise<void>((resolve) => this.server!.listen(0, '127.0.0.1', resolve));
    this.url = `http://127.0.0.1:${(this.server.address() as AddressInfo).port}/hooks`;
  }

  /** The first hook (received or to come) matching `pred`. */
  waitFor(pred: (h: ReceivedHook) => boolean): Promise<ReceivedHook> {
    const seen = this.hooks.find(pred);
    if (seen) return Promise.resolve(seen);
    return new Promise((resolve) => this.waiters.push({ pred, resolve }));
  }

  /** Hooks about one job. */
  about(jobId: string): ReceivedHook[] {
    return this.hooks.filter((h) => h.data.id === jobId);
  }

  async stop(): Promise<void> {
    this.server?.closeAllConnections();
    await new Promise<void>((resolve) => (this.server ? this.server.close(() => resolve()) : resolve()));
  }
}
