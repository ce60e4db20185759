/** A private Debian `redis-server` on a free loopback port, with its own data dir, for one test file. */
import { spawn, type ChildProcess } from 'node:child_process';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { detach, exited, track } from './children';
import { freePort } from './free-port';

export interface RedisOptions {
  /** Turn AOF on (with `appendfsync always`, so a SIGKILL loses no acknowledged write). Default false. */
  appendonly?: boolean;
}

export interface RedisServer {
  /** `redis://127.0.0.1:<port>` */
  url: string;
  port: number;
  /** The server's data dir (AOF files live under it). */
  dir: string;
  /** Sends `signal` (default SIGKILL) and resolves once the process has exited. */
  kill(signal?: NodeJS.Signals): Promise<void>;
  /** Starts the server again on the same port and data dir (stopping it first if it still runs). */
  restart(): Promise<void>;
  /** Stops the server and removes its data dir. */
  stop(): Promise<void>;
}

const READY = 'Ready to accept connections';

function args(port: number, dir: string, appendonly: boolean): string[] {
  const list = ['--port', String(port), '--bind', '127.0.0.1', '--dir', dir, '--save', '', '--logfile', ''];
  list.push('--daemonize', 'no', '--protected-mode', 'no', '--appendonly', appendonly ? 'yes' : 'no');
  if (appendonly) list.push('--appendfsync', 'always');
  return list;
}

/** Spawns redis-server and resolves once it logs that it accepts connections (after loading any AOF). */
function launch(port: number, dir: string, appendonly: boolean): Promise<ChildProcess> {
  return new Promise((resolve, reject) => {
    const child = track(spawn('redis-server', args(port, dir, appendonly), { stdio: ['ignore', 'pipe', 'pipe'] }));
    let log = '';
    const onData = (chunk: Buffer) => {
      log += chunk.toString();
      if (log.includes(READY)) {
        child.stdout?.off('data', onData);
        child.stdout?.resume();
        detach(child);
        resolve(child);
      }
    };
    child.stdout?.on('data', onData);
    child.stderr?.on('data', (chunk: Buffer) => (log += chunk.toString()));
    child.once('error', reject);
    child.once('exit', (code, signal) => {
      if (!log.includes(READY)) reject(new Error(`redis-server exited (${code ?? signal}) before ready:\n${log}`));
    });
  });
}

/** Starts a private redis-server on a free loopback port; call `stop()` in the file's `after` hook. */
export async function startRedis(options: RedisOptions = {}): Promise<RedisServer> {
  const appendonly = options.appendonly ?? false;
  const dir = await mkdtemp(join(tmpdir(), 'pure-redis-'));
  let port = 0;
  let child: ChildProcess | undefined;
  // Another process may take the port between freePort() and bind: try a few fresh ones.
  for (let attempt = 0; !child; attempt++) {
    port = await freePort();
    try {
      child = await launch(port, dir, appendonly);
    } catch (err) {
      if (attempt >= 4 || !String(err).includes('in use')) throw err;
    }
  }
  let current: ChildProcess = child;
  const kill = async (signal: NodeJS.Signals = 'SIGKILL') => {
    current.kill(signal);
    await exited(current);
  };
  return {
    url: `redis://127.0.0.1:${port}`,
    port,
    dir,
    kill,
    async restart() {
      if (current.exitCode === null && current.signalCode === null) await kill('SIGTERM');
      current = await launch(port, dir, appendonly);
    },
    async stop() {
      await kill('SIGTERM');
      await rm(dir, { recursive: true, force: true });
    },
  };
}
