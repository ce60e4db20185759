/** The pino logger factory; every process logs JSON lines through it. */
import { pino, type DestinationStream, type Logger } from 'pino';

export type { Logger } from 'pino';

/** Levels `LOG_LEVEL` may take (for the apps' env schemas); `trace` logs one line per generated token. */
export const LOG_LEVELS = ['fatal', 'error', 'warn', 'info', 'debug', 'trace', 'silent'] as const;
export type LogLevel = (typeof LOG_LEVELS)[number];

export interface LoggerOptions {
  /** The process or component, e.g. `api`, `worker`, `dispatcher`. */
  name: string;
  /** Default `info`. The apps read it from `LOG_LEVEL`. */
  level?: LogLevel;
  /** Where lines go; default stdout. Tests pass a stream to read them back. */
  destination?: DestinationStream;
}

/**
 * A JSON logger with ISO timestamps; credentials in request headers are redacted. Per-job lines come from
 * `logger.child({ jobId })`, so the job id is a log field and never a metric label.
 */
export function createLogger(options: LoggerOptions): Logger {
  const config = {
    name: options.name,
    level: options.level ?? 'info',
    timestamp: pino.stdTimeFunctions.isoTime,
    redact: { paths: ['req.headers.authorization', 'headers.authorization', 'apiKey', 'secret'], censor: '[redacted]' },
  };
  return options.destination ? pino(config, options.destination) : pino(config);
}
