/** A Node app (api, worker, dispatcher) run as a real child process under tsx, for end-to-end tests. */
import { spawn, type ChildProcess } from 'node:child_process';
import { exited, track } from '@pure/devstack/children';

export interface NodeProcessOptions {
  /** Script to run, e.g. `apps/api/src/main.ts` (relative to `cwd`). */
  script: string;
  args?: string[];
  /** Added to (and overriding) the test process's environment (or only PATH and HOME with `cleanEnv`). */
  env?: Record<string, string | undefined>;
  /** Start from PATH and HOME only, so nothing in the developer's shell (PURE_EP, LOG_LEVEL...) leaks in. */
  cleanEnv?: boolean;
  /** Default: the repository root. */
  cwd?: string;
  /** Resolve once a stdout/stderr line matches (e.g. pino's `"msg":"listening"`); default: at spawn. */
  readyLine?: RegExp;
  /** How long to wait for `readyLine` before failing with the output so far; default 30 s. */
  readyTimeoutMs?: number;
  /** Echo the child's output to this process's stderr (debugging); default false. */
  echo?: boolean;
}

export interface NodeProcess {
  child: ChildProcess;
  pid: number;
  /** Every stdout and stderr line so far. */
  lines(): string[];
  /** The lines that parse as JSON objects (pino's), in order. */
  records(): LogRecord[];
  /** The records whose `msg` is `msg`. */
  logs(msg: string): LogRecord[];
  /** Resolves with the first line (already seen or still to come) that matches; rejects on exit or timeout. */
  waitForLine(pattern: RegExp, timeoutMs?: number): Promise<string>;
  /** The same for JSON lines (pino's): the first record `pred` accepts; default timeout 120 s (jobs run meanwhile). */
  waitForRecord(pred: (record: LogRecord) => boolean, what?: string, timeoutMs?: number): Promise<LogRecord>;
  /** Exit code and signal, once exited. */
  exit: Promise<{ code: number | null; signal: NodeJS.Signals | null }>;
  /** Sends `signal` (default SIGKILL) and resolves once the process has exited. */
  kill(signal?: NodeJS.Signals): Promise<void>;
  /** SIGTERM, then SIGKILL after `graceMs` (default 10 s) if still running. */
  stop(graceMs?: number): Promise<void>;
}

/** One JSON log line. */
export type LogRecord = Record<string, unknown> & { msg?: string; level?: number };

/** The line as a JSON object, or null. */
function asRecord(line: string): LogRecord | null {
  if (!line.startsWith('{')) return null;
  try {
    const value: unknown = JSON.parse(line);
    return typeof value === 'object' && value !== null ? (value as LogRecord) : null;
  } catch {
    return null;
  }
}

const repoRoot = new URL('../..', import.meta.url).pathname;

/** Spawns `node --import tsx <script>` and waits for its ready line. */
export async function startNodeProcess(options: NodeProcessOptions): Promise<NodeProcess> {
  const child = track(
    spawn(process.execPath, ['--import', 'tsx', options.script, ...(options.args ?? [])], {
      cwd: options.cwd ?? repoRoot,
      env: { ...(options.cleanEnv ? { PATH: process.env.PATH, HOME: process.env.HOME ?? '/tmp' } : process.env), ...options.env },
      stdio: ['ignore', 'pipe', 'pipe'],
    }),
  );
  const seen: string[] = [];
  const waiters = new Set<(line: string | null) => void>();
  const exit = new Promise<{ code: number | null; signal: NodeJS.Signals | null }>((resolve) =>
    child.once('exit', (code, signal) => {
      for (const waiter of waiters) waiter(null);
      resolve({ code, signal });
    }),
  );
  for (const stream of [child.stdout, child.stderr]) {
    let rest = '';
    stream?.on('data', (chunk: Buffer) => {
      const parts = (rest + chunk.toString()).split('\n');
      rest = parts.pop() ?? '';
      for (const line of parts) {
        seen.push(line);
        if (options.echo) process.stderr.write(`[${options.script}] ${line}\n`);
        for (const waiter of waiters) waiter(line);
      }
    });
  }

  /** Resolves with the first line (seen or to come) that `match` maps to a value; rejects on exit or timeout. */
  const waitUntil = <T>(match: (line: string) => T | null, what: string, timeoutMs: number) =>
    new Promise<T>((resolve, reject) => {
      for (const line of seen) {
        const early = match(line);
        if (early !== null) return resolve(early);
      }
      const done = () => {
        waiters.delete(waiter);
        clearTimeout(timer);
      };
      const waiter = (line: string | null) => {
        if (line === null) {
          done();
          reject(new Error(`${options.script} exited before printing ${what}:\n${seen.slice(-40).join('\n')}`));
          return;
        }
        const value = match(line);
        if (value !== null) {
          done();
          resolve(value);
        }
      };
      const timer = setTimeout(() => {
        done();
        reject(new Error(`${options.script} printed no ${what} within ${timeoutMs} ms:\n${seen.slice(-40).join('\n')}`));
      }, timeoutMs);
      waiters.add(waiter);
      if (child.exitCode !== null || child.signalCode !== null) waiter(null);
    });
  const waitForLine = (pattern: RegExp, timeoutMs = 30_000) => waitUntil((l) => (pattern.test(l) ? l : null), String(pattern), timeoutMs);
  const records = (): LogRecord[] =>
    seen.flatMap((l) => {
      const r = asRecord(l);
      return r ? [r] : [];
    });

  const kill = async (signal: NodeJS.Signals = 'SIGKILL') => {
    child.kill(signal);
    await exited(child);
  };
  const proc: NodeProcess = {
    child,
    pid: child.pid ?? 0,
    lines: () => [...seen],
    records,
    logs: (msg) => records().filter((r) => r.msg === msg),
    waitForLine,
    waitForRecord: (pred, what = 'the awaited log record', timeoutMs = 120_000) =>
      waitUntil((l) => {
        const r = asRecord(l);
        return r && pred(r) ? r : null;
      }, what, timeoutMs),
    exit,
    kill,
    async stop(graceMs = 10_000) {
      if (child.exitCode !== null || child.signalCode !== null) return;
      child.kill('SIGTERM');
      const timer = setTimeout(() => child.kill('SIGKILL'), graceMs);
      await exited(child);
      clearTimeout(timer);
    },
  };
  if (options.readyLine) {
    try {
      await waitForLine(options.readyLine, options.readyTimeoutMs);
    } catch (err) {
      await kill();
      throw err;
    }
  }
  return proc;
}
