/** What every command gets from main(): the environment (read nowhere else), output streams, a stop signal. */
import { PureClient } from './client';
import { UsageError } from './usage-error';

/** The process's environment, streams and interrupts, handed to a command. */
export interface CliContext {
  env: Readonly<Record<string, string | undefined>>;
  stdout: NodeJS.WriteStream;
  stderr: NodeJS.WriteStream;
  /** Aborted on the first Ctrl-C (SIGINT) or SIGTERM. */
  signal: AbortSignal;
  /**
   * Takes over SIGINT/SIGTERM: `listener` gets every one (repeats within a second, which wrappers such as
   * npm and tsx relay, count once), and a second one no longer forces the exit.
   */
  onInterrupt(listener: (signal: NodeJS.Signals) => void): void;
}

/** A command: parses its own arguments and resolves with the process exit code. */
export type Command = (args: string[], ctx: CliContext) => Promise<number>;

/** Flags shared by the commands that talk to an api. */
export const API_OPTIONS = {
  api: { type: 'string' },
  key: { type: 'string' },
} as const;

/** The client for `--api`/`--key`, else PURE_API_URL/PURE_API_KEY; a missing key is a usage error. */
export function clientFrom(values: { api?: string; key?: string }, ctx: CliContext): PureClient {
  const baseUrl = values.api ?? ctx.env.PURE_API_URL ?? 'http://127.0.0.1:8080';
  const apiKey = values.key ?? ctx.env.PURE_API_KEY;
  if (!apiKey) throw new UsageError('no API key: pass --key KEY or set PURE_API_KEY');
  if (!/^https?:\/\//.test(baseUrl)) throw new UsageError(`--api ${baseUrl}: expected an http:// or https:// URL`);
  return new PureClient({ baseUrl, apiKey });
}
