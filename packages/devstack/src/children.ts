/** Child processes the harness started, killed when the test process exits so none outlive a failed test. */
import type { ChildProcess } from 'node:child_process';

const live = new Set<ChildProcess>();

process.on('exit', () => {
  for (const child of live) {
    if (child.exitCode === null && child.signalCode === null) child.kill('SIGKILL');
  }
});

/** Remembers `child` until it exits. */
export function track(child: ChildProcess): ChildProcess {
  live.add(child);
  child.once('exit', () => live.delete(child));
  return child;
}

/** Resolves when `child` has exited (at once if it already has); keeps the event loop alive meanwhile. */
export function exited(child: ChildProcess): Promise<void> {
  if (child.exitCode !== null || child.signalCode !== null) return Promise.resolve();
  child.ref();
  return new Promise((resolve) => child.once('exit', () => resolve()));
}

/**
 * Lets the test process exit while `child` still runs (its exit hook then kills it), so a test file that
 * forgets `stop()` ends instead of hanging.
 */
export function detach(child: ChildProcess): void {
  child.unref();
  // stdio pipes are sockets at run time, though typed as plain streams
  (child.stdout as { unref?: () => void } | null)?.unref?.();
  (child.stderr as { unref?: () => void } | null)?.unref?.();
  (child.channel as { unref?: () => void } | undefined)?.unref?.();
}
