/** The worker's HTTP port: `/metrics`, `/healthz`, `/readyz` and `POST /drain` (the k8s preStop hook). */
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import type { Registry } from 'prom-client';

export interface OpsServerOptions {
  port: number;
  host: string;
  registry: Registry;
  /** Liveness detail (always 200 while the process serves). */
  health(): Record<string, unknown>;
  /** Ready means: model loaded and taking jobs. */
  readiness(): { ready: boolean } & Record<string, unknown>;
  /** Starts draining; answered at once, the drain goes on in the background. */
  drain(): void;
}

export interface OpsServer {
  port: number;
  close(): Promise<void>;
}

/** Listens and resolves with the bound port (`port: 0` picks a free one, for tests). */
export async function startOpsServer(o: OpsServerOptions): Promise<OpsServer> {
  const server: Server = createServer((req, res) => {
    const send = (status: number, body: unknown, type = 'application/json') => {
      res.writeHead(status, { 'content-type': type });
      res.end(typeof body === 'string' ? body : JSON.stringify(body));
    };
    const path = (req.url ?? '/').split('?')[0];
    if (req.method === 'GET' && path === '/metrics') {
      o.registry.metrics().then(
        (text) => send(200, text, o.registry.contentType),
        (err: unknown) => send(500, { error: { code: 'internal', message: String(err) } }),
      );
    } else if (req.method === 'GET' && path === '/healthz') {
      send(200, { ok: true, ...o.health() });
    } else if (req.method === 'GET' && path === '/readyz') {
      const r = o.readiness();
      send(r.ready ? 200 : 503, r);
    } else if (req.method === 'POST' && path === '/drain') {
      o.drain();
      send(202, { draining: true });
    } else {
      send(404, { error: { code: 'not_found', message: `no route ${req.method} ${path}` } });
    }
  });
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(o.port, o.host, () => resolve());
  });
  return {
    port: (server.address() as AddressInfo).port,
    close: () =>
      new Promise<void>((resolve) => {
        server.closeAllConnections();
        server.close(() => resolve());
      }),
  };
}
