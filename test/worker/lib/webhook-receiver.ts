/** The demo's loopback webhook receiver (signatures checked) with lookups by job for the end-to-end suites. */
import { startWebhookReceiver, type Delivery, type WebhookReceiver as Receiver } from '../../../apps/cli/src/demo/webhook-receiver';

export class WebhookReceiver {
  private receiver: Receiver | null = null;

  constructor(readonly secret: string) {}

  async start(): Promise<void> {
    this.receiver = await startWebhookReceiver(this.secret);
  }

  get url(): string {
    return this.receiver?.url ?? '';
  }

  /** The first delivery (received or to come) matching `pred`. */
  async waitFor(pred: (h: Delivery) => boolean, timeoutMs = 120_000): Promise<Delivery> {
    if (!(await this.receiver!.waitFor((ds) => ds.some(pred), timeoutMs))) throw new Error(`no matching webhook within ${timeoutMs} ms`);
    return this.receiver!.deliveries.find(pred)!;
  }

  /** Deliveries about one job. */
  about(jobId: string): Delivery[] {
    return this.receiver!.deliveries.filter((h) => h.data.id === jobId);
  }

  async stop(): Promise<void> {
    await this.receiver?.close();
  }
}
