/**
 * Runs the demo in a child process with its own process group. Ctrl-C in a terminal signals the whole
 * foreground group at once: redis-server and the S3 server would die before the api and worker had
 * stopped, and those would then hang on lost connections. In a group of its own, the demo gets the signal
 * from here, once, and stops its services itself, last started first.
 */
import { spawn } from 'node:child_process';
import { constants } from 'node:os';
import { fileURLToPath } from 'node:url';
import { exited, track } from '@pure/devstack/children';
import type { CliContext } from '../cli-context';

/** Set in the child's environment: it runs the demo itself instead of supervising. */
export const SUPERVISED_ENV = 'PURE_DEMO_SUPERVISED';

const MAIN = fileURLToPath(new URL('../main.ts', import.meta.url));

/** Starts `pure demo ARGS` in a new process group, relays SIGINT/SIGTERM to it, resolves with its exit code. */
export async function superviseDemo(args: string[], ctx: CliContext): Promise<number> {
  const child = track(
    spawn(process.execPath, ['--import', import.meta.resolve('tsx'), MAIN, 'demo', ...args], {
      env: { ...ctx.env, [SUPERVISED_ENV]: '1' },
      stdio: ['ignore', 'inherit', 'inherit'],
      detached: true,
    }),
  );
  // Every interrupt goes to the child: the first makes it stop its services, a second forces it.
  ctx.onInterrupt((signal) => child.kill(signal));
  await exited(child);
  if (child.signalCode) return 128 + (constants.signals[child.signalCode] ?? 0);
  return child.exitCode ?? 1;
}
