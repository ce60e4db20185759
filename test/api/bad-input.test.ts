import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { startApi, type RunningApi } from './lib/start-api';
import { bmp, pngClaiming, smallImage } from './lib/images';
import { form } from './lib/multipart';

interface Case {
  name: string;
  status: number;
  code: string;
  /** Words the message must contain, naming the problem. */
  mentions: RegExp;
  send: () => Promise<Response>;
}

describe('bad inputs: a clear 4xx, nothing stored in S3 and nothing left in Redis', () => {
  let api: RunningApi;
  let png: Buffer;
  const json = (path: string, body: unknown) =>
    fetch(`${api.url}${path}`, { method: 'POST', headers: { ...api.auth('acme'), 'content-type': 'application/json' }, body: JSON.stringify(body) });
  const single = (bytes: Buffer, params?: unknown) => json('/v1/jobs', { input: { base64: bytes.toString('base64') }, params });
  const multipart = (images: Buffer[], fields?: Record<string, string>) =>
    fetch(`${api.url}/v1/jobs`, { method: 'POST', headers: api.auth('acme'), body: form(images, fields) });

  before(async () => {
    api = await startApi({ dispatcher: false });
    png = await smallImage('png', 32);
  });
  after(async () => api.stop());

  const cases: Case[] = [
    { name: 'non-image bytes', status: 415, code: 'unsupported_format', mentions: /not an image/, send: () => multipart([Buffer.from('just some text, not pixels at all')]) },
    { name: 'zero bytes (multipart)', status: 400, code: 'empty_input', mentions: /empty/, send: () => multipart([Buffer.alloc(0)]) },
    { name: 'zero bytes (base64)', status: 400, code: 'empty_input', mentions: /empty/, send: () => single(Buffer.alloc(0)) },
    { name: 'truncated PNG', status: 422, code: 'corrupt_image', mentions: /truncated/, send: () => single(png.subarray(0, Math.floor(png.length / 2))) },
    { name: 'truncated JPEG', status: 422, code: 'corrupt_image', mentions: /jpeg/, send: async () => single((await smallImage('jpeg', 64)).subarray(0, 200)) },
    { name: 'PNG header claiming 30000x30000', status: 422, code: 'too_many_pixels', mentions: /30000x30000/, send: () => multipart([pngClaiming(30000, 30000)]) },
    { name: 'GIF', status: 415, code: 'unsupported_format', mentions: /GIF/, send: async () => single(await smallImage('gif')) },
    { name: 'BMP', status: 415, code: 'unsupported_format', mentions: /BMP/, send: async () => single(bmp()) },
    { name: 'kMin > kMax', status: 400, code: 'invalid_params', mentions: /kMin/, send: () => single(png, { kMin: 50, kMax: 10 }) },
    { name: 'temperature 0', status: 400, code: 'invalid_params', mentions: /temperature/, send: () => single(png, { temperature: 0 }) },
    { name: 'cfg < 0', status: 400, code: 'invalid_params', mentions: /cfg/, send: () => multipart([png], { params: '{"cfg":-1}' }) },
    { name: 'unknown param', status: 400, code: 'invalid_params', mentions: /params/, send: () => single(png, { topP: 0.9 }) },
    { name: 'params not JSON (multipart)', status: 400, code: 'invalid_params', mentions: /JSON/, send: () => multipart([png], { params: '{cfg' }) },
    { name: 'invalid base64', status: 400, code: 'invalid_request', mentions: /base64/, send: () => json('/v1/jobs', { input: { base64: '***' } }) },
    { name: 'no input', status: 400, code: 'invalid_request', mentions: /input/, send: () => json('/v1/jobs', { params: {} }) },
    { name: 'a file URL', status: 400, code: 'url_not_allowed', mentions: /http/, send: () => json('/v1/jobs', { input: { url: 'file:///etc/passwd' } }) },
    { name: 'malformed JSON', status: 400, code: 'invalid_request', mentions: /JSON/, send: () => fetch(`${api.url}/v1/jobs`, { method: 'POST', headers: { ...api.auth('acme'), 'content-type': 'application/json' }, body: '{"input":' }) },
    {
      name: 'a batch with one bad item among good ones',
      status: 415,
      code: 'unsupported_format',
      mentions: /items\[2\]/,
      send: async () => json('/v1/batches', { items: [png, png, await smallImage('gif'), png].map((b) => ({ input: { base64: b.toString('base64') } })) }),
    },
    { name: 'a batch with bad item params', status: 400, code: 'invalid_params', mentions: /items\[1\]\.params/, send: () => json('/v1/batches', { items: [{ input: { base64: png.toString('base64') } }, { input: { base64: png.toString('base64') }, params: { kMin: 50 } }], params: { kMax: 10 } }) },
    { name: 'a multipart batch with a truncated image', status: 422, code: 'corrupt_image', mentions: /items\[1\]/, send: () => fetch(`${api.url}/v1/batches`, { method: 'POST', headers: api.auth('acme'), body: form([png, png.subarray(0, 40)]) }) },
  ];

  for (const c of cases) {
    test(c.name, async () => {
      const redisBefore = await api.redisKeys();
      const res = await c.send();
      const body = (await res.json()) as { error: { code: string; message: string } };
      assert.equal(res.status, c.status, JSON.stringify(body));
      assert.equal(body.error.code, c.code);
      assert.match(body.error.message, c.mentions);
      assert.deepEqual(await api.redisKeys(), redisBefore, 'no Redis keys added');
      assert.deepEqual(await api.s3Keys(), [], 'no S3 objects stored');
    });
  }

  test('a batch over PURE_MAX_BATCH_ITEMS is refused before any image is read', async () => {
    const small = await startApi({ dispatcher: false, env: { PURE_MAX_BATCH_ITEMS: '2' } });
    try {
      const before = await small.redisKeys();
      const item = { input: { base64: png.toString('base64') } };
      const res = await fetch(`${small.url}/v1/batches`, { method: 'POST', headers: { ...small.auth('acme'), 'content-type': 'application/json' }, body: JSON.stringify({ items: [item, item, item] }) });
      assert.equal(res.status, 413);
      assert.equal(((await res.json()) as { error: { code: string } }).error.code, 'batch_too_large');
      assert.deepEqual(await small.redisKeys(), before);
      assert.deepEqual(await small.s3Keys(), []);
    } finally {
      await small.stop();
    }
  });

  test('an image over PURE_MAX_INPUT_BYTES (multipart) is 413', async () => {
    const small = await startApi({ dispatcher: false, env: { PURE_MAX_INPUT_BYTES: '100' } });
    try {
      const res = await fetch(`${small.url}/v1/jobs`, { method: 'POST', headers: small.auth('acme'), body: form([png]) });
      assert.equal(res.status, 413);
      assert.equal(((await res.json()) as { error: { code: string } }).error.code, 'image_too_large');
      assert.deepEqual(await small.s3Keys(), []);
    } finally {
      await small.stop();
    }
  });
});
