/**
 * Reads a submit request (JSON or multipart) into items with bytes, checked images and final params,
 * without storing anything. Cheap checks first (shape, params, webhook URL), then inputs are fetched or
 * decoded and every image is checked; the first problem is a 4xx naming the item.
 */
import { createHash } from 'node:crypto';
import type { FastifyRequest } from 'fastify';
import type { MultipartFile, MultipartValue } from '@fastify/multipart';
import type { z } from 'zod';
import { CreateBatchRequest, CreateJobRequest, Metadata, WebhookTarget, type JobInput } from '@pure/contracts/job';
import { ParamsInput } from '@pure/contracts/params';
import { ApiError } from '../http/api-error';
import { isParamsIssue, zodMessage } from '../http/zod-message';
import { checkImage, type ImageLimits } from '../input/check-image';
import { resolveInput, type InputSources } from '../input/resolve-input';
import { checkUrl } from '../net/safe-fetch';
import { withSeed, type CheckedItem } from './submit-jobs';

export interface ReadSubmitDeps {
  sources: InputSources;
  limits: ImageLimits;
  maxItems: number;
}

/** A submit, read and checked. `requestHash` identifies it for Idempotency-Key. */
export interface ReadSubmit {
  items: CheckedItem[];
  webhook?: WebhookTarget;
  metadata?: Metadata;
  requestHash: string;
}

interface RawItem {
  input: JobInput | Buffer;
  params?: unknown;
  metadata?: Metadata;
}

const CHECK_CONCURRENCY = 4;

function parseWith<S extends z.ZodType>(schema: S, value: unknown, root: string, params = false): z.infer<S> {
  const parsed = schema.safeParse(value);
  if (parsed.success) return parsed.data;
  const code = params || isParamsIssue(parsed.error) ? 'invalid_params' : 'invalid_request';
  throw new ApiError(400, code, zodMessage(parsed.error, root));
}

/** An empty base64 string is an empty image, and is named as such rather than as a schema error. */
function refuseEmptyBase64(body: unknown, batch: boolean): void {
  const b = body as { input?: { base64?: unknown }; items?: { input?: { base64?: unknown } }[] } | null;
  if (!batch && b?.input?.base64 === '') throw new ApiError(400, 'empty_input', 'input.base64 is empty (0 bytes)');
  const i = batch && Array.isArray(b?.items) ? b.items.findIndex((item) => item?.input?.base64 === '') : -1;
  if (i >= 0) throw new ApiError(400, 'empty_input', `items[${i}].input.base64 is empty (0 bytes)`);
}

function jsonField(value: string, name: string): unknown {
  try {
    return JSON.parse(value);
  } catch {
    throw new ApiError(400, name === 'params' ? 'invalid_params' : 'invalid_request', `${name} is not valid JSON`);
  }
}

/** Reads the multipart form: `image` file parts, optional `params`, `webhook_url`, `metadata` fields. */
async function readMultipart(request: FastifyRequest, hash: ReturnType<typeof createHash>): Promise<{ images: Buffer[]; fields: Record<string, string> }> {
  const images: Buffer[] = [];
  const fields: Record<string, string> = {};
  for await (const part of request.parts()) {
    hash.update(`${part.type}:${part.fieldname}\0`);
    if (part.type === 'file') {
      const file = part as MultipartFile;
      const bytes = await file.toBuffer();
      if (part.fieldname !== 'image') throw new ApiError(400, 'invalid_request', `unexpected file field "${part.fieldname}"; images go in "image"`);
      hash.update(bytes).update('\0');
      images.push(bytes);
    } else {
      const value = String((part as MultipartValue).value);
      if (!['params', 'webhook_url', 'metadata'].includes(part.fieldname)) throw new ApiError(400, 'invalid_request', `unexpected field "${part.fieldname}"`);
      hash.update(value).update('\0');
      fields[part.fieldname] = value;
    }
  }
  return { images, fields };
}

async function mapChecked<T, R>(items: T[], fn: (item: T, i: number) => Promise<R>): Promise<R[]> {
  const out: R[] = new Array(items.length);
  let next = 0;
  const worker = async () => {
    while (next < items.length) {
      const i = next++;
      out[i] = await fn(items[i], i);
    }
  };
  await Promise.all(Array.from({ length: Math.min(CHECK_CONCURRENCY, items.length) }, worker));
  return out;
}

/** Reads and checks a `POST /v1/jobs` (`batch` false) or `POST /v1/batches` request. */
export async function readSubmit(request: FastifyRequest, deps: ReadSubmitDeps, batch: boolean): Promise<ReadSubmit> {
  const hash = createHash('sha256').update(`${request.method} ${request.routeOptions.url}\0`);
  let raw: RawItem[];
  let shared: unknown;
  let webhook: WebhookTarget | undefined;
  let metadata: Metadata | undefined;

  if (request.isMultipart()) {
    const { images, fields } = await readMultipart(request, hash);
    if (images.length === 0) throw new ApiError(400, 'invalid_request', 'no "image" file part in the form');
    if (!batch && images.length > 1) throw new ApiError(400, 'invalid_request', 'POST /v1/jobs takes one image; use POST /v1/batches');
    shared = fields.params === undefined ? undefined : jsonField(fields.params, 'params');
    if (fields.webhook_url !== undefined) webhook = parseWith(WebhookTarget, { url: fields.webhook_url }, 'webhook');
    if (fields.metadata !== undefined) metadata = parseWith(Metadata, jsonField(fields.metadata, 'metadata'), 'metadata');
    raw = images.map((bytes) => ({ input: bytes, metadata: batch ? undefined : metadata }));
  } else {
    hash.update(JSON.stringify(request.body ?? null));
    refuseEmptyBase64(request.body, batch);
    if (batch) {
      const body = parseWith(CreateBatchRequest, request.body, '', false);
      // Item params as the client sent them, so defaults do not override the batch's params.
      const sent = (request.body as { items: { params?: unknown }[] }).items;
      raw = body.items.map((item, i) => ({ ...item, params: sent[i].params }));
      shared = body.params;
      webhook = body.webhook;
      metadata = body.metadata;
    } else {
      const body = parseWith(CreateJobRequest, request.body, '', false);
      raw = [{ input: body.input, params: body.params, metadata: body.metadata }];
      webhook = body.webhook;
      metadata = body.metadata;
    }
  }
  if (raw.length > deps.maxItems) throw new ApiError(413, 'batch_too_large', `${raw.length} items; the limit is ${deps.maxItems}`);
  if (webhook) checkUrl(webhook.url, deps.sources.allowPrivateUrls);

  const sharedParams = parseWith(ParamsInput, shared ?? {}, 'params', true);
  const what = (i: number) => (batch ? `items[${i}]` : 'image');
  const params = raw.map((item, i) => {
    if (item.params === undefined) return withSeed(sharedParams);
    // Item params override batch params field by field; the merge is checked again (kMin <= kMax).
    return withSeed(parseWith(ParamsInput, { ...sharedParams, ...(item.params as object) }, `${what(i)}.params`, true));
  });

  const items = await mapChecked(raw, async (item, i): Promise<CheckedItem> => {
    const bytes = Buffer.isBuffer(item.input) ? item.input : await resolveInput(item.input, request.tenant, deps.sources, what(i));
    const image = await checkImage(bytes, deps.limits, what(i));
    return { bytes, image, params: params[i], metadata: item.metadata };
  });
  return { items, webhook, metadata, requestHash: hash.digest('hex') };
}
