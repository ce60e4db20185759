/** A Node app (api, worker, dispatcher) run as a real child process under tsx, for end-to-end tests. */
import { spawn, type ChildProcess } from 'node:child_process';
import { exited, track } from '@pure/devstack/children';

export interface NodeProcessOptions {
  /** Script to run, e.g. `apps/api/src/main.ts` (relative to `cwd`). */
  script: string;
  args?: string[];
  /** Added to (and overriding) the test process's environment. */
  env?: Record<string, string | undefined>;
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
  records(): Record<string, unknown>[];
  /** Resolves with the first line (already seen or still to come) that matches; rejects on exit or timeout. */
  waitForLine(pattern: RegExp, timeoutMs?: number): Promise<string>;
  /** Exit code and signal, once exited. */
  exit: Promise<{ code: number | null; signal: NodeJS.Signals | null }>;
  /** Sends `signal` (default SIGKILL) and resolves once the process has exited. */
  kill(signal?: NodeJS.Signals): Promise<void>;
  /** SIGTERM, then SIGKILL after `graceMs` (default 10 s) if still running. */
  stop(graceMs?: number): Promise<void>;
}

const repoRoot = new URL('../..', import.meta.url).pathname;

/** Spawns `node --import tsx <script>` and waits for its ready line. */
export async function startNodeProcess(options: NodeProcessOptions): Promise<NodeProcess> {
  const child = track(
    spawn(process.execPath, ['--import', 'tsx', options.script, ...(options.args ?? [])], {
      cwd: options.cwd ?? repoRoot,
      env: { ...process.env, ...options.env },
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

  const waitForLine = (pattern: RegExp, timeoutMs = 30_000) =>
    new Promise<string>((resolve, reject) => {
      const early = seen.find((l) => pattern.test(l));
      if (early !== undefined) return resolve(early);
      const done = () => {
        waiters.delete(waiter);
        clearTimeout(timer);
      };
      const waiter = (line: string | null) => {
        if (line === null) {
          done();
          reject(new Error(`${options.script} exited before printing ${pattern}:\n${seen.slice(-40).join('\n')}`));
        } else if (pattern.test(line)) {
          done();
          resolve(line);
        }
      };
      const timer = setTimeout(() => {
        done();
        const tail = seen.slice(-40).join('\n');
        reject(new Error(`${options.script} printed no ${pattern} within ${timeoutMs} ms:\n${tail}`));
      }, timeoutMs);
      waiters.add(waiter);
      if (child.exitCode !== null || child.signalCode !== null) waiter(null);
    });

  const kill = async (signal: NodeJS.Signals = 'SIGKILL') => {
    child.kill(signal);
    await exited(child);
  };
  const proc: NodeProcess = {
    child,
    pid: child.pid ?? 0,
    lines: () => [...seen],
    records: () =>
      seen.flatMap((l) => {
        try {
          const value: unknown = JSON.parse(l);
          return typeof value === 'object' && value !== null ? [value as Record<string, unknown>] : [];
        } catch {
          return [];
        }
      }),
    waitForLine,
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
