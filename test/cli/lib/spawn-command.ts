/** A shell command line run as a child in its own process group (as a terminal runs it), with its output. */
import { spawn, type ChildProcess } from 'node:child_process';
import { track } from '@pure/devstack/children';

/** A running command line. */
export interface SpawnedCommand {
  child: ChildProcess;
  /** stdout and stderr so far, interleaved. */
  output(): string;
  /** Resolves once the output matches `pattern`; rejects if the command exits first. */
  waitFor(pattern: RegExp): Promise<void>;
  /** The exit code, or null and the signal that ended it. */
  exit: Promise<{ code: number | null; signal: NodeJS.Signals | null }>;
  /** Sends `signal` to the whole process group, as Ctrl-C in a terminal does. */
  signalGroup(signal: NodeJS.Signals): void;
}

/** Runs `line` with `sh -c` in `cwd`. */
export function spawnCommand(line: string, cwd: string, env: Record<string, string>): SpawnedCommand {
  const child = track(spawn('sh', ['-c', line], { cwd, env: { ...process.env, ...env }, stdio: ['ignore', 'pipe', 'pipe'], detached: true }));
  let text = '';
  const waiters = new Set<() => void>();
  const onData = (c: Buffer) => {
    text += c.toString();
    for (const w of waiters) w();
  };
  child.stdout?.on('data', onData);
  child.stderr?.on('data', onData);
  const exit = new Promise<{ code: number | null; signal: NodeJS.Signals | null }>((resolve) =>
    child.once('close', (code, signal) => {
      for (const w of waiters) w();
      resolve({ code, signal });
    }),
  );
  return {
    child,
    output: () => text,
    exit,
    waitFor: (pattern) =>
      new Promise<void>((resolve, reject) => {
        const check = () => {
          if (pattern.test(text)) {
            waiters.delete(check);
            resolve();
          } else if (child.exitCode !== null || child.signalCode !== null) {
            waiters.delete(check);
            reject(new Error(`exited before printing ${pattern}:\n${text.slice(-3000)}`));
          }
        };
        waiters.add(check);
        check();
      }),
    signalGroup: (signal) => process.kill(-(child.pid ?? 0), signal),
  };
}
