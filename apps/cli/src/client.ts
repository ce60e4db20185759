/**
 * A typed client of the pure-serve REST api (v1). Every answer is parsed with the contracts' zod schemas,
 * so a server that drifts from the contract fails loudly here; `CLIENT_ROUTES` lists each route it calls,
 * and a test checks them against the api's `/openapi.json`.
 */
import { z } from 'zod';
import { BatchView, JobView } from '@pure/contracts/job';
import { ErrorResponse } from '@pure/contracts/error-codes';
import type { ParamsInput } from '@pure/contracts/params';
import { ApiRequestError } from './api-error';

/** One route as OpenAPI names it: lower-case method and templated path. */
export interface Route {
  method: 'get' | 'post';
  path: string;
}

/** Every route the client calls. */
export const CLIENT_ROUTES = {
  submitBatch: { method: 'post', path: '/v1/batches' },
  getBatch: { method: 'get', path: '/v1/batches/{id}' },
  getJob: { method: 'get', path: '/v1/jobs/{id}' },
  webhookSecret: { method: 'get', path: '/v1/webhooks/secret' },
  ready: { method: 'get', path: '/readyz' },
} as const satisfies Record<string, Route>;

/** The answer of `GET /v1/webhooks/secret`. */
export const WebhookSecret = z.object({ secret: z.string().startsWith('whsec_') });
export type WebhookSecret = z.infer<typeof WebhookSecret>;

/** An image to upload: its file name (for the server's logs) and bytes. */
export interface UploadFile {
  name: string;
  bytes: Uint8Array;
}

/** Optional parts of a batch submit. */
export interface SubmitOptions {
  params?: ParamsInput;
  webhookUrl?: string;
  metadata?: Record<string, string>;
  idempotencyKey?: string;
}

/** Where the api is and which key to send. */
export interface ClientOptions {
  /** Base URL, e.g. `http://127.0.0.1:8080`. */
  baseUrl: string;
  /** API key sent as `Authorization: Bearer <key>`. */
  apiKey: string;
}

/** The REST client. */
export class PureClient {
  private readonly base: string;
  constructor(private readonly opts: ClientOptions) {
    this.base = opts.baseUrl.replace(/\/+$/, '');
  }

  /** `POST /v1/batches` as multipart: one `image` part per file; answers the queued batch. */
  async submitBatch(files: UploadFile[], opts: SubmitOptions = {}): Promise<BatchView> {
    const form = new FormData();
    for (const f of files) form.append('image', new Blob([new Uint8Array(f.bytes)]), f.name);
    if (opts.params && Object.keys(opts.params).length > 0) form.append('params', JSON.stringify(opts.params));
    if (opts.webhookUrl) form.append('webhook_url', opts.webhookUrl);
    if (opts.metadata) form.append('metadata', JSON.stringify(opts.metadata));
    const headers: Record<string, string> = opts.idempotencyKey ? { 'idempotency-key': opts.idempotencyKey } : {};
    return this.call(CLIENT_ROUTES.submitBatch, {}, BatchView, { body: form, headers });
  }

  /** `GET /v1/batches/{id}`. */
  getBatch(id: string): Promise<BatchView> {
    return this.call(CLIENT_ROUTES.getBatch, { id }, BatchView);
  }

  /** `GET /v1/jobs/{id}`: status, progress and, once succeeded, presigned result links. */
  getJob(id: string): Promise<JobView> {
    return this.call(CLIENT_ROUTES.getJob, { id }, JobView);
  }

  /** `GET /v1/webhooks/secret`: the tenant's Standard Webhooks signing secret. */
  async webhookSecret(): Promise<string> {
    return (await this.call(CLIENT_ROUTES.webhookSecret, {}, WebhookSecret)).secret;
  }

  /** `GET /readyz`: true when the api reaches Redis and S3; false when it answers otherwise or not at all. */
  async ready(): Promise<boolean> {
    try {
      const res = await fetch(this.url(CLIENT_ROUTES.ready, {}));
      await res.arrayBuffer();
      return res.ok;
    } catch {
      return false;
    }
  }

  /** Downloads a presigned result link (not an api route: it points at the object store). */
  async download(url: string): Promise<Buffer> {
    let res: Response;
    try {
      res = await fetch(url);
    } catch (cause) {
      throw new ApiRequestError(0, 'network', `download failed: ${String(cause)}`, { cause });
    }
    if (!res.ok) throw new ApiRequestError(res.status, 'download_failed', `download answered ${res.status}`);
    return Buffer.from(await res.arrayBuffer());
  }

  private url(route: Route, params: Record<string, string>): string {
    const path = route.path.replace(/\{(\w+)\}/g, (_, name: string) => encodeURIComponent(params[name] ?? ''));
    return `${this.base}${path}`;
  }

  private async call<S extends z.ZodType>(
    route: Route,
    params: Record<string, string>,
    schema: S,
    init: { body?: FormData | string; headers?: Record<string, string> } = {},
  ): Promise<z.infer<S>> {
    const where = `${route.method.toUpperCase()} ${route.path}`;
    let res: Response;
    try {
      res = await fetch(this.url(route, params), {
        method: route.method.toUpperCase(),
        headers: { authorization: `Bearer ${this.opts.apiKey}`, ...init.headers },
        body: init.body,
      });
    } catch (cause) {
      throw new ApiRequestError(0, 'network', `${where}: cannot reach ${this.base} (${String((cause as Error).cause ?? cause)})`, { cause });
    }
    const text = await res.text();
    let body: unknown;
    try {
      body = JSON.parse(text);
    } catch {
      throw new ApiRequestError(res.status, 'bad_response', `${where} answered ${res.status} with non-JSON: ${text.slice(0, 200)}`);
    }
    if (!res.ok) {
      const error = ErrorResponse.safeParse(body);
      const { code, message } = error.success ? error.data.error : { code: 'http_error', message: text.slice(0, 200) };
      throw new ApiRequestError(res.status, code, `${where}: ${res.status} ${code}: ${message}`);
    }
    const parsed = schema.safeParse(body);
    if (!parsed.success) {
      const issues = parsed.error.issues.slice(0, 3).map((i) => `${i.path.join('.')}: ${i.message}`).join('; ');
      throw new ApiRequestError(res.status, 'bad_response', `${where}: the answer does not match the contract (${issues})`);
    }
    return parsed.data;
  }
}
