/**
 * The log thresholds `--log-level` accepts: pino's own level names. Kept apart from log.ts so the
 * command line can offer them without loading pino before a command needs a logger.
 */
export const LOG_LEVELS = ['trace', 'debug', 'info', 'warn', 'error', 'fatal', 'silent'] as const;
export type LogLevel = (typeof LOG_LEVELS)[number];

export function isLogLevel(value: string): value is LogLevel {
  return (LOG_LEVELS as readonly string[]).includes(value);
}
