/**
 * One of the demo's apps (api, worker) as a child process: `node --import tsx <script>` from the repo root,
 * its output in a log file, ready when its `/readyz` answers 200, stopped with SIGTERM (SIGKILL after a
 * grace period).
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { createWriteStream } from 'node:fs';
import { readFile } from 'node:fs/promises';
import { setTimeout as sleep } from 'node:timers/promises';
import { exited, track } from '@pure/devstack/children';
import { DemoSetupError } from './demo-setup-error';

/** Which script to run, where, with what environment, logging where. */
export interface AppProcessOptions {
  name: string;
  /** Script path relative to `cwd`. */
  script: string;
  cwd: string;
  env: Record<string, string | undefined>;
  /** File that receives the child's stdout and stderr. */
  logFile: string;
}

/** A started app. */
export class AppProcess {
  private constructor(
    readonly name: string,
    readonly child: ChildProcess,
    readonly logFile: string,
  ) {}

  /** Spawns the app; it is not ready yet (see `waitReady`). */
  static start(o: AppProcessOptions): AppProcess {
    const log = createWriteStream(o.logFile); // each run starts a fresh log
    const child = track(
      spawn(process.execPath, ['--import', 'tsx', o.script], { cwd: o.cwd, env: o.env, stdio: ['ignore', 'pipe', 'pipe'] }),
    );
    child.stdout?.pipe(log, { end: false });
    child.stderr?.pipe(log, { end: false });
    child.once('exit', () => setImmediate(() => log.end()));
    return new AppProcess(o.name, child, o.logFile);
  }

  get running(): boolean {
    return this.child.exitCode === null && this.child.signalCode === null;
  }

  /** Polls `url` until it answers 200; fails when the app exits first or after `timeoutMs`. */
  async waitReady(url: string, timeoutMs: number, signal: AbortSignal): Promise<void> {
    const deadline = Date.now() + timeoutMs;
    for (;;) {
      signal.throwIfAborted();
      if (!this.running) throw new DemoSetupError(`${this.name} exited (${this.child.exitCode ?? this.child.signalCode}) while starting:\n${await this.tail()}`);
      const ok = await fetch(url).then(
        async (r) => (await r.arrayBuffer(), r.ok),
        () => false,
      );
      if (ok) return;
      if (Date.now() > deadline) throw new DemoSetupError(`${this.name} was not ready within ${timeoutMs / 1000} s:\n${await this.tail()}`);
      await sleep(100, undefined, { signal });
    }
  }

  /** SIGTERM, then SIGKILL after `graceMs`; resolves once the process has exited. */
  async stop(graceMs = 15_000): Promise<void> {
    if (!this.running) return;
    this.child.kill('SIGTERM');
    const timer = setTimeout(() => this.child.kill('SIGKILL'), graceMs);
    await exited(this.child);
    clearTimeout(timer);
  }

  /** The last lines of the app's log, for error messages. */
  async tail(lines = 20): Promise<string> {
    const text = await readFile(this.logFile, 'utf8').catch(() => '');
    return text.split('\n').slice(-lines - 1).join('\n');
  }
}
