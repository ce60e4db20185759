/** A private Prometheus (Debian's `prometheus` package) on a free loopback port, scraping given targets. */
import { spawn, type ChildProcess } from 'node:child_process';
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { detach, exited, track } from '@pure/devstack/children';
import { freePort } from '@pure/devstack/free-port';

export interface PrometheusOptions {
  /**
   * What to scrape: `host:port` targets (all in job `pure`), or targets by job name, e.g.
   * `{ 'pure-api': ['127.0.0.1:8080'], 'pure-worker': ['127.0.0.1:9464'] }`. Default: nothing.
   */
  scrapeTargets?: string[] | Record<string, string[]>;
  /** Scrape (and rule evaluation) interval; default `1s`, so a test sees data within seconds. */
  scrapeInterval?: string;
  /** Binary to run; default `prometheus` from the PATH. */
  binary?: string;
}

/** One entry of `/api/v1/targets`' active targets, reduced to what tests look at. */
export interface ScrapeTarget {
  job: string;
  instance: string;
  health: 'up' | 'down' | 'unknown';
  lastError: string;
}

/** The answer of `/api/v1/query`: `status` `success` with data, or `error` with its message. */
export interface QueryResponse {
  status: 'success' | 'error';
  data?: { resultType: string; result: unknown[] };
  errorType?: string;
  error?: string;
}

export interface PrometheusServer {
  /** `http://127.0.0.1:<port>` */
  url: string;
  port: number;
  /** Temp dir holding the config file and the TSDB. */
  dir: string;
  /** Runs an instant query (at `time`, seconds since the epoch; default now); never throws on a PromQL error. */
  query(expr: string, time?: number): Promise<QueryResponse>;
  /** The active scrape targets and their health. */
  targets(): Promise<ScrapeTarget[]>;
  /** Stops the server and removes its dir. */
  stop(): Promise<void>;
}

const READY = 'Server is ready to receive web requests';

/** The YAML config: JSON is valid YAML, so no YAML writer is needed. */
export function prometheusConfig(options: PrometheusOptions = {}): string {
  const interval = options.scrapeInterval ?? '1s';
  const targets = options.scrapeTargets ?? [];
  const jobs = Array.isArray(targets) ? (targets.length ? { pure: targets } : {}) : targets;
  const config = {
    global: { scrape_interval: interval, evaluation_interval: interval, scrape_timeout: interval },
    scrape_configs: Object.entries(jobs).map(([job, list]) => ({
      job_name: job,
      metrics_path: '/metrics',
      static_configs: [{ targets: list }],
    })),
  };
  return JSON.stringify(config, null, 2);
}

function launch(binary: string, dir: string, port: number): Promise<ChildProcess> {
  const args = [
    `--config.file=${join(dir, 'prometheus.yml')}`,
    `--storage.tsdb.path=${join(dir, 'data')}`,
    `--web.listen-address=127.0.0.1:${port}`,
    '--storage.tsdb.retention.time=1d',
  ];
  return new Promise((resolve, reject) => {
    const child = track(spawn(binary, args, { stdio: ['ignore', 'pipe', 'pipe'] }));
    let log = '';
    const onData = (chunk: Buffer) => {
      log += chunk.toString();
      if (!log.includes(READY)) return;
      child.stderr?.off('data', onData);
      child.stderr?.resume();
      child.stdout?.resume();
      detach(child);
      resolve(child);
    };
    // Prometheus logs to stderr.
    child.stderr?.on('data', onData);
    child.stdout?.on('data', (chunk: Buffer) => (log += chunk.toString()));
    child.once('error', reject);
    child.once('exit', (code, signal) => {
      if (!log.includes(READY)) reject(new Error(`prometheus exited (${code ?? signal}) before ready:\n${log}`));
    });
  });
}

/** Starts Prometheus with a temp config and TSDB; resolves once it serves queries. Call `stop()` in `after`. */
export async function startPrometheus(options: PrometheusOptions = {}): Promise<PrometheusServer> {
  const binary = options.binary ?? 'prometheus';
  const dir = await mkdtemp(join(tmpdir(), 'pure-prometheus-'));
  await writeFile(join(dir, 'prometheus.yml'), prometheusConfig(options));
  let port = 0;
  let child: ChildProcess | undefined;
  // Another process may take the port between freePort() and bind: try a few fresh ones.
  for (let attempt = 0; !child; attempt++) {
    port = await freePort();
    try {
      child = await launch(binary, dir, port);
    } catch (err) {
      if (attempt >= 4 || !String(err).includes('address already in use')) {
        await rm(dir, { recursive: true, force: true });
        throw err;
      }
    }
  }
  const running = child;
  const url = `http://127.0.0.1:${port}`;
  return {
    url,
    port,
    dir,
    async query(expr, time) {
      const body = new URLSearchParams({ query: expr });
      if (time !== undefined) body.set('time', String(time));
      const res = await fetch(`${url}/api/v1/query`, { method: 'POST', body });
      return (await res.json()) as QueryResponse;
    },
    async targets() {
      const res = await fetch(`${url}/api/v1/targets?state=active`);
      const json = (await res.json()) as {
        data: { activeTargets: { labels: Record<string, string>; health: ScrapeTarget['health']; lastError: string }[] };
      };
      return json.data.activeTargets.map((t) => ({
        job: t.labels.job,
        instance: t.labels.instance,
        health: t.health,
        lastError: t.lastError,
      }));
    },
    async stop() {
      if (running.exitCode === null && running.signalCode === null) {
        running.kill('SIGTERM');
        await exited(running);
      }
      await rm(dir, { recursive: true, force: true });
    },
  };
}
