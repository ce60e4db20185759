/** A child process running one of the apps (api or worker) under tsx, with its JSON log lines parsed as they come. */
import { spawn, type ChildProcess } from 'node:child_process';
import { once } from 'node:events';
import { createInterface } from 'node:readline';
import { fileURLToPath } from 'node:url';

const ROOT = fileURLToPath(new URL('../../../', import.meta.url));

/** One pino line. */
export type LogLine = Record<string, unknown> & { msg?: string; level?: number };

export class ServiceProcess {
  readonly child: ChildProcess;
  readonly lines: LogLine[] = [];
  /** Raw stderr, for failure messages. */
  stderr = '';
  private readonly waiters: { pred: (l: LogLine) => boolean; resolve: (l: LogLine) => void }[] = [];
  readonly exited: Promise<{ code: number | null; signal: NodeJS.Signals | null }>;

  constructor(
    readonly name: string,
    script: string,
    env: Record<string, string>,
  ) {
    this.child = spawn(process.execPath, ['--import', 'tsx', script], {
      cwd: ROOT,
      env: { PATH: process.env.PATH ?? '', HOME: process.env.HOME ?? '/tmp', ...env },
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    this.exited = once(this.child, 'exit').then(([code, signal]) => ({ code: code as number | null, signal: signal as NodeJS.Signals | null }));
    createInterface({ input: this.child.stdout! }).on('line', (text) => {
      let line: LogLine;
      try {
        line = JSON.parse(text) as LogLine;
      } catch {
        line = { msg: text };
      }
      this.lines.push(line);
      for (let i = this.waiters.length - 1; i >= 0; i--) {
        if (this.waiters[i].pred(line)) this.waiters.splice(i, 1)[0].resolve(line);
      }
    });
    this.child.stderr!.on('data', (chunk: Buffer) => (this.stderr += chunk.toString()));
    process.once('exit', () => this.child.kill('SIGKILL'));
  }

  /** The first line (already seen or still to come) matching `pred`; rejects if the process exits first. */
  waitFor(pred: (l: LogLine) => boolean, what = 'a log line'): Promise<LogLine> {
    const seen = this.lines.find(pred);
    if (seen) return Promise.resolve(seen);
    return new Promise((resolve, reject) => {
      this.waiters.push({ pred, resolve });
      void this.exited.then(({ code, signal }) =>
        reject(new Error(`${this.name} exited (${code ?? signal}) before ${what}\n${this.stderr.slice(-2000)}`)),
      );
    });
  }

  /** Lines whose `msg` is `msg`. */
  logs(msg: string): LogLine[] {
    return this.lines.filter((l) => l.msg === msg);
  }

  signal(signal: NodeJS.Signals): void {
    this.child.kill(signal);
  }

  /** SIGTERM, then SIGKILL if it is still running after `ms`. */
  async stop(ms = 15_000): Promise<void> {
    if (this.child.exitCode !== null || this.child.signalCode !== null) return;
    this.child.kill('SIGTERM');
    const timer = setTimeout(() => this.child.kill('SIGKILL'), ms);
    await this.exited;
    clearTimeout(timer);
  }
}
