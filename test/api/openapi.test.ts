import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { startApi, type RunningApi } from './lib/start-api';

/** Every route of the v1 contract and the ops routes, as OpenAPI paths. */
const ROUTES: [string, string][] = [
  ['post', '/v1/jobs'],
  ['get', '/v1/jobs/{id}'],
  ['post', '/v1/jobs/{id}/cancel'],
  ['get', '/v1/jobs/{id}/events'],
  ['get', '/v1/jobs/{id}/deliveries'],
  ['post', '/v1/batches'],
  ['get', '/v1/batches/{id}'],
  ['post', '/v1/batches/{id}/cancel'],
  ['get', '/v1/webhooks/secret'],
  ['get', '/healthz'],
  ['get', '/readyz'],
  ['get', '/metrics'],
];

type Obj = Record<string, unknown>;
const isObj = (v: unknown): v is Obj => typeof v === 'object' && v !== null && !Array.isArray(v);

/** Structural checks of an OpenAPI 3.0 document; returns the problems found. */
function validateOpenApi(doc: Obj): string[] {
  const problems: string[] = [];
  if (typeof doc.openapi !== 'string' || !/^3\.\d+\.\d+$/.test(doc.openapi)) problems.push('openapi must be a 3.x.y version string');
  const info = doc.info;
  if (!isObj(info) || typeof info.title !== 'string' || typeof info.version !== 'string') problems.push('info.title and info.version are required');
  if (!isObj(doc.paths)) return [...problems, 'paths is required'];
  const schemes = isObj(doc.components) && isObj(doc.components.securitySchemes) ? doc.components.securitySchemes : {};
  const checkSchema = (where: string, schema: unknown) => {
    if (!isObj(schema)) return problems.push(`${where}: schema must be an object`);
    for (const key of ['$ref']) if (key in schema) problems.push(`${where}: unresolvable $ref ${String(schema[key])}`);
    const t = schema.type;
    if (t !== undefined && !['object', 'array', 'string', 'number', 'integer', 'boolean'].includes(String(t))) problems.push(`${where}: bad type ${String(t)}`);
    if (t === 'array' && !isObj(schema.items)) problems.push(`${where}: array without items`);
    if (isObj(schema.properties)) for (const [k, v] of Object.entries(schema.properties)) checkSchema(`${where}.${k}`, v);
    for (const k of ['anyOf', 'oneOf', 'allOf']) if (Array.isArray(schema[k])) (schema[k] as unknown[]).forEach((s, i) => checkSchema(`${where}.${k}[${i}]`, s));
    return 0;
  };
  for (const [path, item] of Object.entries(doc.paths)) {
    if (!path.startsWith('/')) problems.push(`${path}: paths start with /`);
    if (!isObj(item)) continue;
    const templated = [...path.matchAll(/\{(\w+)\}/g)].map((m) => m[1]);
    for (const [method, op] of Object.entries(item)) {
      const where = `${method.toUpperCase()} ${path}`;
      if (!['get', 'post', 'put', 'patch', 'delete', 'head', 'options'].includes(method) || !isObj(op)) continue;
      const responses = op.responses;
      if (!isObj(responses) || Object.keys(responses).length === 0) {
        problems.push(`${where}: no responses`);
        continue;
      }
      if (!Object.keys(responses).some((s) => /^2\d\d$/.test(s))) problems.push(`${where}: no 2xx response`);
      for (const [status, r] of Object.entries(responses)) {
        if (!/^[1-5]\d\d$|^default$/.test(status)) problems.push(`${where}: bad status ${status}`);
        if (!isObj(r) || typeof r.description !== 'string') problems.push(`${where} ${status}: description required`);
        else if (isObj(r.content)) for (const [type, media] of Object.entries(r.content)) if (isObj(media) && media.schema) checkSchema(`${where} ${status} ${type}`, media.schema);
      }
      const params = Array.isArray(op.parameters) ? (op.parameters as Obj[]) : [];
      for (const name of templated) {
        if (!params.some((p) => p.in === 'path' && p.name === name && p.required === true)) problems.push(`${where}: path parameter ${name} not declared as required`);
      }
      for (const p of params) if (!['path', 'query', 'header', 'cookie'].includes(String(p.in))) problems.push(`${where}: parameter ${String(p.name)} has bad "in"`);
      if (isObj(op.requestBody) && isObj(op.requestBody.content)) for (const [type, media] of Object.entries(op.requestBody.content)) if (isObj(media)) checkSchema(`${where} body ${type}`, media.schema);
      for (const req of Array.isArray(op.security) ? (op.security as Obj[]) : []) for (const name of Object.keys(req)) if (!(name in schemes)) problems.push(`${where}: unknown security scheme ${name}`);
    }
  }
  return problems;
}

describe('OpenAPI document and ops routes', () => {
  let api: RunningApi;
  before(async () => {
    api = await startApi({ dispatcher: false });
  });
  after(async () => api.stop());

  test('/openapi.json is a valid OpenAPI 3 document listing every route', async () => {
    const doc = (await (await fetch(`${api.url}/openapi.json`)).json()) as Obj;
    assert.deepEqual(validateOpenApi(doc), []);
    const paths = doc.paths as Record<string, Obj>;
    const listed = Object.entries(paths).flatMap(([p, item]) => Object.keys(item).map((m) => `${m} ${p}`)).sort();
    assert.deepEqual(listed, ROUTES.map(([m, p]) => `${m} ${p}`).sort());
    const submit = paths['/v1/jobs'].post as Obj;
    assert.ok(isObj(submit.requestBody));
    assert.deepEqual(Object.keys((submit.requestBody as { content: Obj }).content).sort(), ['application/json', 'multipart/form-data']);
  });

  test('every documented route exists on the server', async () => {
    for (const [method, path] of ROUTES) {
      const res = await fetch(`${api.url}${path.replace('{id}', 'j_00000000000000000000000000')}`, { method: method.toUpperCase(), headers: { 'content-type': 'application/json' }, body: method === 'post' ? '{}' : undefined });
      const body = await res.text();
      assert.ok(!body.includes('no route'), `${method} ${path} is not routed (${res.status})`);
    }
  });

  test('/docs serves the UI', async () => {
    const res = await fetch(`${api.url}/docs/`);
    assert.equal(res.status, 200);
    assert.match(await res.text(), /swagger/i);
  });

  test('/healthz, /metrics, then /readyz before and after Redis goes away', async () => {
    assert.deepEqual(await (await fetch(`${api.url}/healthz`)).json(), { status: 'ok' });
    await fetch(`${api.url}/v1/jobs/j_00000000000000000000000000`, { headers: api.auth('acme') });
    const metrics = await (await fetch(`${api.url}/metrics`)).text();
    assert.match(metrics, /pure_http_requests_total\{method="GET",route="\/v1\/jobs\/:id",status="404"\} 1/);
    assert.match(metrics, /pure_queue_depth\{queue="restore",state="waiting"\} 0/);
    const ready = await fetch(`${api.url}/readyz`);
    assert.equal(ready.status, 200);
    assert.deepEqual(await ready.json(), { status: 'ok', checks: { redis: 'ok', s3: 'ok' } });
    await api.redisServer.kill();
    const down = await fetch(`${api.url}/readyz`);
    assert.equal(down.status, 503);
    assert.equal(((await down.json()) as { checks: { redis: string } }).checks.redis, 'timed out');
    await api.redisServer.restart();
  });
});
