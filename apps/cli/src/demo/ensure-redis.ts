/**
 * Makes sure `redis-server` is on the PATH for the demo's private Redis: on Debian as root it installs
 * Debian's package (saying so first); anywhere else it says exactly what to run.
 */
import { spawnSync } from 'node:child_process';
import { accessSync, constants, existsSync } from 'node:fs';
import { join } from 'node:path';
import { DemoSetupError } from './demo-setup-error';

/** The path of `name` in the PATH's folders, or null. */
export function findOnPath(name: string, path: string | undefined): string | null {
  for (const dir of (path ?? '').split(':').filter(Boolean)) {
    try {
      accessSync(join(dir, name), constants.X_OK);
      return join(dir, name);
    } catch {
      // not in this folder
    }
  }
  return null;
}

function aptInstall(env: NodeJS.ProcessEnv): boolean {
  const opts = { stdio: 'inherit' as const, env: { ...env, DEBIAN_FRONTEND: 'noninteractive' } };
  if (spawnSync('apt-get', ['install', '-y', 'redis-server'], opts).status === 0) return true;
  // A fresh image has no package lists yet.
  if (spawnSync('apt-get', ['update'], opts).status !== 0) return false;
  return spawnSync('apt-get', ['install', '-y', 'redis-server'], opts).status === 0;
}

/** Returns the redis-server path, installing it where that is safe; otherwise throws with what to run. */
export function ensureRedisServer(env: NodeJS.ProcessEnv, say: (line: string) => void): string {
  const found = findOnPath('redis-server', env.PATH);
  if (found) return found;
  const debian = existsSync('/etc/debian_version');
  const root = process.getuid?.() === 0;
  if (debian && root) {
    say('redis-server is not installed; installing Debian\'s package: apt-get install -y redis-server');
    const installed = aptInstall(env) ? findOnPath('redis-server', env.PATH) : null;
    if (installed) return installed;
    throw new DemoSetupError('apt-get could not install redis-server; run: apt-get update && apt-get install -y redis-server');
  }
  const how = debian
    ? 'sudo apt-get install -y redis-server'
    : process.platform === 'darwin'
      ? 'brew install redis'
      : 'install Redis (6.2 or newer) so that redis-server is on the PATH';
  throw new DemoSetupError(`the demo needs redis-server on the PATH and it is not there. Run:\n  ${how}\nthen run the demo again`);
}
