/**
 * Finds live processes by an environment marker: a test passes `PURE_TEST_MARK=<random>` to the process it
 * starts, every descendant inherits it (whatever its process group), so a scan of /proc finds any that
 * outlived the test's process. Linux only.
 */
import { randomBytes } from 'node:crypto';
import { readdirSync, readFileSync } from 'node:fs';

/** A fresh marker value. */
export function newMarker(): string {
  return `pure-test-${process.pid}-${randomBytes(6).toString('hex')}`;
}

/** `pid: command line` of every live (non-zombie) process whose environment carries `PURE_TEST_MARK=marker`. */
export function markedProcesses(marker: string): string[] {
  const needle = `PURE_TEST_MARK=${marker}\0`;
  const found: string[] = [];
  for (const pid of readdirSync('/proc').filter((n) => /^\d+$/.test(n))) {
    try {
      // A zombie's environ reads empty: it holds no resources and is not "running".
      if (!readFileSync(`/proc/${pid}/environ`, 'latin1').includes(needle)) continue;
      found.push(`${pid}: ${readFileSync(`/proc/${pid}/cmdline`, 'latin1').replace(/\0/g, ' ').trim()}`);
    } catch {
      // gone meanwhile, or not ours to read
    }
  }
  return found;
}
