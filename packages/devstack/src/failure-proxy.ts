/** A loopback HTTP proxy in front of an S3 server that can refuse requests on demand, for retry tests. */
import { Agent, createServer, request, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';

/** What to refuse: matching requests get `status` (or a dropped connection with `reset`). */
export interface FailureRule {
  /** HTTP methods refused; default `['PUT', 'POST']` (uploads). */
  methods?: string[];
  /** How many matching requests to refuse before passing again; default: until cleared. */
  count?: number;
  /** Status of the refusal; default 503 (S3's `SlowDown`/`ServiceUnavailable`). */
  status?: number;
  /** Drop the connection instead of answering (a network error rather than a 5xx). */
  reset?: boolean;
}

export interface ProxyStats {
  /** Requests seen, refused ones included. */
  requests: number;
  /** Requests refused so far. */
  refused: number;
  /** Requests passed to the server, by method. */
  passed: Record<string, number>;
}

interface ActiveRule {
  methods: Set<string>;
  remaining: number;
  status: number;
  reset: boolean;
}

function errorXml(status: number): string {
  const code = status === 503 ? 'SlowDown' : status >= 500 ? 'InternalError' : 'AccessDenied';
  const message = 'refused by the test harness';
  return `<?xml version="1.0" encoding="UTF-8"?>\n<Error><Code>${code}</Code><Message>${message}</Message></Error>`;
}

/** The proxy: listen with `start()`, steer with `setFailure()`/`clearFailure()`. */
export class FailureProxy {
  private rule: ActiveRule | null = null;
  private readonly counts: ProxyStats = { requests: 0, refused: 0, passed: {} };
  private readonly agent = new Agent({ keepAlive: true });
  private readonly server: Server;

  constructor(private readonly upstreamPort: number) {
    this.server = createServer((req, res) => {
      this.counts.requests += 1;
      const method = req.method ?? 'GET';
      const rule = this.rule;
      if (rule && rule.remaining > 0 && rule.methods.has(method)) {
        rule.remaining -= 1;
        this.counts.refused += 1;
        if (rule.reset) return void req.socket.destroy();
        // Read the body first, so the client sees the answer rather than a broken pipe.
        req.resume();
        req.once('end', () => {
          res.writeHead(rule.status, { 'content-type': 'application/xml', 'retry-after': '0' });
          res.end(errorXml(rule.status));
        });
        return;
      }
      this.counts.passed[method] = (this.counts.passed[method] ?? 0) + 1;
      const headers = { ...req.headers };
      delete headers.expect; // this side already accepted the body; the upstream need not be asked again
      const upstream = request(
        { host: '127.0.0.1', port: this.upstreamPort, method, path: req.url, headers, agent: this.agent },
        (answer) => {
          res.writeHead(answer.statusCode ?? 502, answer.headers);
          answer.pipe(res);
        },
      );
      upstream.once('error', () => res.destroy());
      req.pipe(upstream);
    });
  }

  /** Listens on a free loopback port and returns it. */
  async start(): Promise<number> {
    await new Promise<void>((resolve) => this.server.listen(0, '127.0.0.1', resolve));
    return (this.server.address() as AddressInfo).port;
  }

  /** Refuses matching requests from now on, replacing any earlier rule. */
  setFailure(rule: FailureRule = {}): void {
    this.rule = {
      methods: new Set((rule.methods ?? ['PUT', 'POST']).map((m) => m.toUpperCase())),
      remaining: rule.count ?? Number.POSITIVE_INFINITY,
      status: rule.status ?? 503,
      reset: rule.reset ?? false,
    };
  }

  /** Passes every request again. */
  clearFailure(): void {
    this.rule = null;
  }

  /** Counts so far. */
  stats(): ProxyStats {
    return { ...this.counts, passed: { ...this.counts.passed } };
  }

  /** Stops listening and closes pooled connections. */
  async close(): Promise<void> {
    this.agent.destroy();
    this.server.closeAllConnections();
    await new Promise<void>((resolve) => this.server.close(() => resolve()));
  }
}
