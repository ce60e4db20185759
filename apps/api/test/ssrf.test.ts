import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { isPublicAddress } from '../src/net/ip-policy';
import { checkUrl, safeFetch } from '../src/net/safe-fetch';
import { UrlNotAllowedError } from '../src/net/url-not-allowed-error';
import { FetchFailedError } from '../src/net/fetch-failed-error';

test('address policy: public unicast only', () => {
  for (const ip of ['127.0.0.1', '10.1.2.3', '172.16.0.1', '172.31.255.255', '192.168.1.1', '169.254.169.254', '100.64.0.1', '0.0.0.0', '224.0.0.1', '255.255.255.255', '::1', '::', 'fe80::1', 'fd00:ec2::254', 'fc00::1', 'ff02::1', '::ffff:127.0.0.1', '::ffff:7f00:1', '::ffff:169.254.169.254', '64:ff9b::10.0.0.1']) {
    assert.equal(isPublicAddress(ip), false, ip);
  }
  for (const ip of ['8.8.8.8', '1.1.1.1', '172.32.0.1', '100.128.0.1', '2606:4700:4700::1111', '::ffff:8.8.8.8']) assert.equal(isPublicAddress(ip), true, ip);
  assert.equal(isPublicAddress('not-an-ip'), false);
});

test('URL checks: scheme, credentials, IP literals', () => {
  assert.throws(() => checkUrl('ftp://example.com/x', false), UrlNotAllowedError);
  assert.throws(() => checkUrl('file:///etc/passwd', false), UrlNotAllowedError);
  assert.throws(() => checkUrl('http://user:pw@example.com/', false), UrlNotAllowedError);
  assert.throws(() => checkUrl('http://169.254.169.254/latest/meta-data/', false), UrlNotAllowedError);
  assert.throws(() => checkUrl('http://[fd00:ec2::254]/', false), UrlNotAllowedError);
  assert.throws(() => checkUrl('http://[::ffff:127.0.0.1]/', false), UrlNotAllowedError);
  assert.equal(checkUrl('https://example.com/a.png', false).hostname, 'example.com');
  assert.equal(checkUrl('http://127.0.0.1/', true).hostname, '127.0.0.1');
});

describe('safeFetch against a loopback server', () => {
  let server: Server;
  let base: string;
  before(async () => {
    server = createServer((req, res) => {
      if (req.url === '/to-metadata') return void res.writeHead(302, { location: 'http://169.254.169.254/latest/meta-data/' }).end();
      if (req.url === '/to-localhost') return void res.writeHead(302, { location: `http://localhost:${(server.address() as AddressInfo).port}/ok` }).end();
      if (req.url === '/loop') return void res.writeHead(302, { location: '/loop' }).end();
      if (req.url === '/big') return void res.writeHead(200).end(Buffer.alloc(5000));
      if (req.url === '/slow') return; // never answers
      res.writeHead(200).end('hello');
    });
    await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
    base = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  });
  after(() => {
    server.closeAllConnections();
    server.close();
  });
  const opts = { timeoutMs: 2000, maxBytes: 1000, maxRedirects: 5, allowPrivate: true };

  test('loopback is refused unless private URLs are allowed, also through a DNS name', async () => {
    await assert.rejects(safeFetch(`${base}/ok`, { ...opts, allowPrivate: false }), UrlNotAllowedError);
    const port = new URL(base).port;
    await assert.rejects(safeFetch(`http://localhost:${port}/ok`, { ...opts, allowPrivate: false }), UrlNotAllowedError);
    assert.equal((await safeFetch(`${base}/ok`, opts)).body.toString(), 'hello');
  });

  test('every redirect is checked again: one to the metadata address is refused', async () => {
    // allowPrivate lets the test reach its own loopback server, so the redirect target is checked by policy:
    // the metadata address is link-local, refused whenever private addresses are not allowed.
    await assert.rejects(safeFetch(`${base}/to-metadata`, { ...opts, allowPrivate: false }), UrlNotAllowedError);
    const res = await safeFetch(`${base}/to-localhost`, opts);
    assert.equal(res.body.toString(), 'hello');
    await assert.rejects(safeFetch(`${base}/loop`, opts), (e: unknown) => e instanceof FetchFailedError && /redirects/.test(e.message));
  });

  test('size and time limits', async () => {
    await assert.rejects(safeFetch(`${base}/big`, opts), (e: unknown) => e instanceof FetchFailedError && /limit/.test(e.message));
    await assert.rejects(safeFetch(`${base}/slow`, { ...opts, timeoutMs: 100 }), (e: unknown) => e instanceof FetchFailedError && e.retryable);
  });
});
