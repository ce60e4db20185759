/** Command-line tools the deploy checks need, and the rule for when a missing one may skip a test. */
import { spawnSync } from 'node:child_process';
import { fileURLToPath } from 'node:url';

export const repoRoot = fileURLToPath(new URL('../..', import.meta.url));

/** True when `name` runs from the PATH. */
export function hasTool(name: string): boolean {
  return spawnSync('sh', ['-c', `command -v ${name}`], { stdio: 'ignore' }).status === 0;
}

/**
 * The skip reason for a test needing `tool`, or false to run it. Outside CI a missing
 * tool skips with a message saying how to install it; in CI (`CI` set) the tool is required, so the test
 * runs and fails loudly instead.
 */
export function skipUnlessTool(tool: string, howToInstall: string): string | false {
  if (hasTool(tool) || process.env.CI) return false;
  return `${tool} not found (${howToInstall}); skipped outside CI only, CI must install it`;
}

/** Runs a command in the repo root; returns its exit status and output. */
export function run(cmd: string, args: string[]): { status: number | null; stdout: string; stderr: string } {
  const r = spawnSync(cmd, args, { cwd: repoRoot, encoding: 'utf8', maxBuffer: 64 * 1024 * 1024 });
  if (r.error) return { status: null, stdout: '', stderr: String(r.error) };
  return { status: r.status, stdout: r.stdout, stderr: r.stderr };
}
