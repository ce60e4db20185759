/**
 * HTTP(S) requests to client-supplied URLs with SSRF protection: http(s) only; every address a name resolves
 * to must be public (unless private ones are allowed); the socket connects to the address that was checked
 * (our own `lookup`), so DNS rebinding cannot swap it; redirects are followed by hand and checked again;
 * one deadline and a byte cap bound the whole exchange.
 */
import { lookup as dnsLookup, type LookupAddress } from 'node:dns';
import { request as httpRequest, type IncomingHttpHeaders, type IncomingMessage } from 'node:http';
import { request as httpsRequest } from 'node:https';
import { isIP, type LookupFunction } from 'node:net';
import { isPublicAddress } from './ip-policy';
import { UrlNotAllowedError } from './url-not-allowed-error';
import { FetchFailedError } from './fetch-failed-error';

export interface SafeFetchOptions {
  method?: 'GET' | 'POST';
  headers?: Record<string, string>;
  body?: string | Buffer;
  /** Deadline of the whole exchange, redirects included. */
  timeoutMs: number;
  /** Largest response body read; a larger one fails the fetch. */
  maxBytes: number;
  /** Redirects followed (GET only); 0 returns the 3xx answer as is. */
  maxRedirects: number;
  /** Let loopback/private addresses through (tests, demo). */
  allowPrivate: boolean;
}

export interface SafeFetchResponse {
  status: number;
  headers: IncomingHttpHeaders;
  body: Buffer;
  /** The URL that answered, after redirects. */
  url: string;
}

/** Checks scheme and (for IP literals) address before any connection is made. */
export function checkUrl(raw: string, allowPrivate: boolean): URL {
  let url: URL;
  try {
    url = new URL(raw);
  } catch {
    throw new UrlNotAllowedError(`not a URL: ${raw.slice(0, 100)}`);
  }
  if (url.protocol !== 'http:' && url.protocol !== 'https:') throw new UrlNotAllowedError(`only http and https URLs are allowed, got ${url.protocol}`);
  if (url.username || url.password) throw new UrlNotAllowedError('URLs with credentials are not allowed');
  const host = url.hostname.replace(/^\[|\]$/g, '');
  if (isIP(host) && !allowPrivate && !isPublicAddress(host)) throw new UrlNotAllowedError(`address ${host} is not public`);
  return url;
}

function pinnedLookup(allowPrivate: boolean): LookupFunction {
  return (hostname, options, callback) => {
    dnsLookup(hostname, { all: true, family: options.family ?? 0 }, (err, addresses: LookupAddress[]) => {
      if (err) return callback(err, '', 0);
      const bad = addresses.find((a) => !allowPrivate && !isPublicAddress(a.address));
      if (bad) return callback(new UrlNotAllowedError(`${hostname} resolves to ${bad.address}, which is not public`), '', 0);
      if (addresses.length === 0) return callback(new FetchFailedError(`${hostname} has no address`, true), '', 0);
      // Node 20 asks for all addresses when it races IPv4/IPv6; answer in the form asked.
      if (options.all) return (callback as unknown as (e: null, a: LookupAddress[]) => void)(null, addresses);
      callback(null, addresses[0].address, addresses[0].family);
    });
  };
}

function once(url: URL, opts: SafeFetchOptions, signal: AbortSignal): Promise<{ res: IncomingMessage; body: Buffer }> {
  return new Promise((resolve, reject) => {
    const send = url.protocol === 'https:' ? httpsRequest : httpRequest;
    const req = send(url, {
      method: opts.method ?? 'GET',
      headers: opts.headers,
      lookup: pinnedLookup(opts.allowPrivate),
      agent: false,
      signal,
    });
    req.once('error', (err) => {
      if (err instanceof UrlNotAllowedError || err instanceof FetchFailedError) return reject(err);
      const timedOut = signal.aborted;
      reject(new FetchFailedError(timedOut ? `no answer from ${url.host} within ${opts.timeoutMs} ms` : `request to ${url.host} failed: ${err.message}`, true, { cause: err }));
    });
    req.once('response', (res) => {
      const declared = Number(res.headers['content-length'] ?? 0);
      if (declared > opts.maxBytes) {
        req.destroy();
        return reject(new FetchFailedError(`response of ${declared} bytes is over the ${opts.maxBytes} byte limit`, false));
      }
      const chunks: Buffer[] = [];
      let size = 0;
      res.on('data', (chunk: Buffer) => {
        size += chunk.length;
        if (size > opts.maxBytes) {
          req.destroy();
          reject(new FetchFailedError(`response is over the ${opts.maxBytes} byte limit`, false));
          return;
        }
        chunks.push(chunk);
      });
      res.once('end', () => resolve({ res, body: Buffer.concat(chunks) }));
      res.once('error', (err) => reject(new FetchFailedError(`reading ${url.host} failed: ${err.message}`, true, { cause: err })));
    });
    req.end(opts.body);
  });
}

/** Fetches `raw` under the SSRF rules; throws UrlNotAllowedError or FetchFailedError. */
export async function safeFetch(raw: string, opts: SafeFetchOptions): Promise<SafeFetchResponse> {
  const signal = AbortSignal.timeout(opts.timeoutMs);
  let url = checkUrl(raw, opts.allowPrivate);
  for (let redirects = 0; ; redirects++) {
    const { res, body } = await once(url, opts, signal);
    const status = res.statusCode ?? 0;
    const location = res.headers.location;
    if (status >= 300 && status < 400 && location && opts.maxRedirects > 0 && (opts.method ?? 'GET') === 'GET') {
      if (redirects >= opts.maxRedirects) throw new FetchFailedError(`more than ${opts.maxRedirects} redirects`, false);
      url = checkUrl(new URL(location, url).href, opts.allowPrivate);
      continue;
    }
    return { status, headers: res.headers, body, url: url.href };
  }
}
