/** Route schemas for the OpenAPI document, generated from the contracts' zod schemas (docs only: zod validates). */
import { z } from 'zod';
import { ErrorResponse } from '@pure/contracts/error-codes';

/** A zod schema as an OpenAPI 3.0 schema object. */
export function oas(schema: z.ZodType, io: 'input' | 'output' = 'output'): Record<string, unknown> {
  const out = z.toJSONSchema(schema, { target: 'openapi-3.0', io, unrepresentable: 'any' }) as Record<string, unknown>;
  delete out.$schema;
  return out;
}

const errorSchema = oas(ErrorResponse);

/** Error answers every authenticated route may give. */
export function errorResponses(...statuses: number[]): Record<number, unknown> {
  const out: Record<number, unknown> = {};
  for (const s of [401, ...statuses, 500]) out[s] = { description: 'error', ...errorSchema };
  return out;
}

export const idParam = (what: string) => ({
  type: 'object',
  properties: { id: { type: 'string', description: `${what} id` } },
  required: ['id'],
});

export const bearer = [{ bearerAuth: [] }];

/** A request body documented for both JSON and multipart/form-data (`image` parts: one, or many for batches). */
export function submitBody(json: z.ZodType, batch: boolean): Record<string, unknown> {
  const file = { type: 'string', format: 'binary' };
  const form = {
    type: 'object',
    properties: {
      image: batch ? { type: 'array', items: file, description: 'one part per image' } : file,
      params: { type: 'string', description: 'restoration params as JSON, e.g. {"kMax":500}' },
      webhook_url: { type: 'string', format: 'uri' },
      metadata: { type: 'string', description: 'labels as a JSON object of strings' },
    },
    required: ['image'],
  };
  return { content: { 'application/json': { schema: oas(json, 'input') }, 'multipart/form-data': { schema: form } } };
}
