/** `pure`: the command line of pure-serve. Parses the command, runs it, maps errors to exit codes. */
import type { CliContext, Command } from './cli-context';
import { ApiRequestError } from './api-error';
import { UsageError } from './usage-error';
import { helpCommand, HELP } from './commands/help';
import { submitCommand } from './commands/submit';
import { watchCommand } from './commands/watch';
import { getCommand } from './commands/get';
import { modelCommand } from './commands/model';
import { demoCommand } from './demo/demo-command';

const COMMANDS: Record<string, Command> = {
  help: helpCommand,
  submit: submitCommand,
  watch: watchCommand,
  get: getCommand,
  model: modelCommand,
  demo: demoCommand,
};

/** A parseArgs refusal (unknown flag, missing value) is a usage error too. */
function isParseArgsError(err: unknown): err is Error {
  return err instanceof TypeError && String((err as { code?: unknown }).code ?? '').startsWith('ERR_PARSE_ARGS');
}

/** Repeats closer than this are one interrupt relayed by several wrappers (npm, sh, tsx). */
const REPEAT_MS = 1_000;

/** The project's own errors name the problem in their message; anything else is a bug: show its stack. */
function describe(err: unknown): string {
  if (!(err instanceof Error)) return String(err);
  if (['Error', 'TypeError', 'RangeError', 'ReferenceError', 'SyntaxError'].includes(err.name)) return err.stack ?? err.message;
  const retryable = (err as { retryable?: unknown }).retryable;
  const hint = err.name === 'RetryableError' || retryable === true ? ' (may pass if retried)' : retryable === false || err.name === 'NonRetryableError' ? ' (retrying will not help)' : '';
  return `${err.name}: ${err.message}${hint}`;
}

async function main(argv: string[]): Promise<number> {
  const stop = new AbortController();
  let listener: ((signal: NodeJS.Signals) => void) | null = null;
  let count = 0;
  let last = 0;
  const onSignal = (signal: NodeJS.Signals) => {
    const now = Date.now();
    if (count > 0 && now - last < REPEAT_MS) return;
    count += 1;
    last = now;
    if (listener) return listener(signal);
    // The first signal lets the command clean up (the demo stops its children); a second one forces.
    if (count > 1) process.exit(130);
    stop.abort(new Error(`interrupted by ${signal}`));
  };
  process.on('SIGINT', onSignal);
  process.on('SIGTERM', onSignal);
  process.on('SIGHUP', onSignal); // a closed terminal: the supervised demo must still stop its services
  const ctx: CliContext = {
    env: process.env,
    stdout: process.stdout,
    stderr: process.stderr,
    signal: stop.signal,
    onInterrupt: (l) => void (listener = l),
  };
  const [name, ...args] = argv;
  if (name === undefined || name === '--help' || name === '-h') {
    ctx.stdout.write(HELP);
    return name === undefined ? 2 : 0;
  }
  const command = COMMANDS[name];
  if (!command) {
    ctx.stderr.write(`pure: unknown command ${JSON.stringify(name)}\n\n${HELP}`);
    return 2;
  }
  try {
    return await command(args, ctx);
  } catch (err) {
    if (stop.signal.aborted) {
      ctx.stderr.write(`pure ${name}: ${String((stop.signal.reason as Error).message)}\n`);
      return 130;
    }
    if (err instanceof UsageError || isParseArgsError(err)) {
      ctx.stderr.write(`pure ${name}: ${err.message}\n(see: pure help)\n`);
      return 2;
    }
    if (err instanceof ApiRequestError) {
      ctx.stderr.write(`pure ${name}: ${err.message}${err.retryable ? ' (may pass if retried)' : ''}\n`);
      return 1;
    }
    ctx.stderr.write(`pure ${name}: ${describe(err)}\n`);
    return 1;
  }
}

// exit() rather than exitCode: a stray handle must not keep the command alive (stdout is synchronous here).
process.exit(await main(process.argv.slice(2)));
