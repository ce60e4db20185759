import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { createServer, type IncomingHttpHeaders, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { Webhook } from 'standardwebhooks';
import { JobView, type BatchView } from '@pure/contracts/job';
import { startApi, type RunningApi } from './lib/start-api';
import { startTestConsumer } from './lib/test-consumer';
import { smallImage } from './lib/images';

interface Received {
  path: string;
  headers: IncomingHttpHeaders;
  body: string;
  verified: boolean;
  answered: number;
}

/** A loopback receiver that verifies every signature; `/flaky` answers 500 twice, then 200. */
async function startReceiver(secret: () => Promise<string>): Promise<{ url: string; got: Received[]; waitFor(n: number, path: string): Promise<Received[]>; close(): void }> {
  const got: Received[] = [];
  const waiters: (() => void)[] = [];
  let flaky = 0;
  const server: Server = createServer((req, res) => {
    const chunks: Buffer[] = [];
    req.on('data', (c: Buffer) => chunks.push(c));
    req.on('end', async () => {
      const body = Buffer.concat(chunks).toString('utf8');
      let verified = false;
      try {
        new Webhook(await secret()).verify(body, req.headers as Record<string, string>);
        verified = true;
      } catch {
        verified = false;
      }
      const answered = req.url === '/flaky' && flaky++ < 2 ? 500 : 200;
      got.push({ path: req.url ?? '', headers: req.headers, body, verified, answered });
      res.writeHead(answered).end();
      waiters.splice(0).forEach((w) => w());
    });
  });
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
  const url = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  return {
    url,
    got,
    async waitFor(n, path) {
      while (got.filter((g) => g.path === path).length < n) await new Promise<void>((r) => waiters.push(r));
      return got.filter((g) => g.path === path);
    },
    close: () => server.close(),
  };
}

describe('webhooks and SSE (e2e on a running api with its dispatcher)', () => {
  let api: RunningApi;
  let receiver: Awaited<ReturnType<typeof startReceiver>>;
  let consumer: { close(): Promise<void> };
  let png: Buffer;
  const gates = new Map<string, () => void>();
  let gateSet: () => void = () => undefined;
  const post = (path: string, body: unknown) =>
    fetch(`${api.url}${path}`, { method: 'POST', headers: { ...api.auth('acme'), 'content-type': 'application/json' }, body: JSON.stringify(body) });

  before(async () => {
    api = await startApi();
    png = await smallImage('png');
    receiver = await startReceiver(() => api.services.secrets.get('acme'));
    consumer = startTestConsumer(
      { connection: api.services.redis, prefix: api.prefix, store: api.services.store, queues: api.services.queues, view: (j) => api.services.views.job(j.tenant, j.id) },
      async (data) => {
        const gate = data.metadata?.gate;
        if (gate) {
          await new Promise<void>((r) => {
            gates.set(gate, r);
            gateSet();
          });
          await api.services.store.setProgress(data.jobId, { phase: 'image', done: 65, total: 1024 });
        }
        return 'failed';
      },
    );
  });
  after(async () => {
    await consumer.close();
    receiver.close();
    await api.stop();
  });

  test('GET /v1/webhooks/secret answers a whsec_ secret, stable across calls and per tenant', async () => {
    const a = (await (await fetch(`${api.url}/v1/webhooks/secret`, { headers: api.auth('acme') })).json()) as { secret: string };
    const b = (await (await fetch(`${api.url}/v1/webhooks/secret`, { headers: api.auth('acme') })).json()) as { secret: string };
    const g = (await (await fetch(`${api.url}/v1/webhooks/secret`, { headers: api.auth('globex') })).json()) as { secret: string };
    assert.match(a.secret, /^whsec_[A-Za-z0-9+/=]{32,}$/);
    assert.equal(a.secret, b.secret);
    assert.notEqual(a.secret, g.secret);
  });

  test('a failing receiver gets the signed event again with the same webhook-id until it answers 2xx', async () => {
    const res = await post('/v1/jobs', { input: { base64: png.toString('base64') }, webhook: { url: `${receiver.url}/flaky` } });
    const job = JobView.parse(await res.json());
    const attempts = await receiver.waitFor(3, '/flaky');
    assert.deepEqual(attempts.map((a) => a.answered), [500, 500, 200]);
    assert.ok(attempts.every((a) => a.verified), 'every attempt carries a valid signature');
    assert.equal(new Set(attempts.map((a) => a.headers['webhook-id'])).size, 1, 'one webhook-id across attempts');
    const event = JSON.parse(attempts[2].body) as { type: string; data: JobView };
    assert.equal(event.type, 'job.failed');
    assert.equal(event.data.id, job.id);
    assert.equal(event.data.error?.code, 'model_error');
    // the log is written after the answer; wait for the third entry through the api
    let list: { data: { attempt: number; ok: boolean; status: number | null }[] } = { data: [] };
    for (let i = 0; i < 200 && list.data.length < 3; i++) {
      list = (await (await fetch(`${api.url}/v1/jobs/${job.id}/deliveries`, { headers: api.auth('acme') })).json()) as typeof list;
      if (list.data.length < 3) await new Promise((r) => setTimeout(r, 10));
    }
    assert.deepEqual(list.data.map((d) => [d.attempt, d.ok, d.status]), [[1, false, 500], [2, false, 500], [3, true, 200]]);
  });

  test('a batch sends each job event and batch.completed exactly once', async () => {
    const b64 = png.toString('base64');
    const res = await post('/v1/batches', { items: [{ input: { base64: b64 } }, { input: { base64: b64 } }], webhook: { url: `${receiver.url}/batch` } });
    const batch = (await res.json()) as BatchView;
    const got = await receiver.waitFor(3, '/batch');
    const types = got.map((g) => (JSON.parse(g.body) as { type: string }).type).sort();
    assert.deepEqual(types, ['batch.completed', 'job.failed', 'job.failed']);
    const completed = JSON.parse(got.find((g) => g.body.includes('batch.completed'))!.body) as { data: BatchView };
    assert.equal(completed.data.id, batch.id);
    assert.equal(completed.data.counts.failed, 2);
    assert.ok(got.every((g) => g.verified));
  });

  test('SSE streams progress and status changes and ends at the final status', async () => {
    const gateReady = new Promise<void>((r) => (gateSet = r));
    const job = JobView.parse(await (await post('/v1/jobs', { input: { base64: png.toString('base64') }, metadata: { gate: 'sse' } })).json());
    const res = await fetch(`${api.url}/v1/jobs/${job.id}/events`, { headers: api.auth('acme') });
    assert.equal(res.headers.get('content-type'), 'text/event-stream');
    const reader = res.body!.pipeThrough(new TextDecoderStream()).getReader();
    let text = '';
    const events = () => [...text.matchAll(/event: (\w+)\ndata: (.*)\n\n/g)].map((m) => ({ event: m[1], data: JSON.parse(m[2]) as Record<string, unknown> }));
    const drained = (async () => {
      for (;;) {
        const { value, done } = await reader.read();
        if (done) return;
        text += value;
      }
    })();
    await gateReady;
    gates.get('sse')!();
    await drained;
    const seen = events();
    assert.equal(seen[0].event, 'status');
    assert.ok(seen.some((e) => e.event === 'progress' && e.data.phase === 'image' && e.data.done === 65));
    const statuses = seen.filter((e) => e.event === 'status').map((e) => e.data.status);
    assert.equal(statuses.at(-1), 'failed', 'the stream ends with the final status');
    assert.ok(statuses.includes('running'));
  });
});
