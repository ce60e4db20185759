/** Runs the `pure` command as a child process (as a user would) and collects its exit code and output. */
import { spawn } from 'node:child_process';
import { track } from '@pure/devstack/children';

/** The repository root (tests run commands from there). */
export const REPO_ROOT = new URL('../../..', import.meta.url).pathname;

/** How a `pure` run ended. */
export interface CliResult {
  code: number | null;
  stdout: string;
  stderr: string;
}

/** `node --import tsx apps/cli/src/main.ts ...args` from the repo root, with `env` added. */
export function runCli(args: string[], env: Record<string, string> = {}): Promise<CliResult> {
  return new Promise((resolve, reject) => {
    const child = track(
      spawn(process.execPath, ['--import', 'tsx', 'apps/cli/src/main.ts', ...args], {
        cwd: REPO_ROOT,
        env: { ...process.env, ...env },
        stdio: ['ignore', 'pipe', 'pipe'],
      }),
    );
    let stdout = '';
    let stderr = '';
    child.stdout?.on('data', (c: Buffer) => (stdout += c.toString()));
    child.stderr?.on('data', (c: Buffer) => (stderr += c.toString()));
    child.once('error', reject);
    child.once('close', (code) => resolve({ code, stdout, stderr }));
  });
}
