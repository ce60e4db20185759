/** Webhook events: `{type, timestamp, data}` with data the job or batch view. */
import { z } from 'zod';

export const WebhookEventType = z.enum(['job.succeeded', 'job.failed', 'job.canceled', 'batch.completed']);
export type WebhookEventType = z.infer<typeof WebhookEventType>;

export const WebhookEvent = z.object({
  type: WebhookEventType,
  timestamp: z.string().datetime(),
  data: z.record(z.string(), z.unknown()),
});
export type WebhookEvent = z.infer<typeof WebhookEvent>;

/** One delivery as the webhooks queue carries it; `webhookId` stays the same on every attempt. */
export const WebhookDelivery = z.object({
  v: z.literal(1),
  webhookId: z.string().min(1),
  tenant: z.string().min(1),
  url: z.string().url(),
  event: WebhookEvent,
});
export type WebhookDelivery = z.infer<typeof WebhookDelivery>;
