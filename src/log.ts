/**
 * Structured logging (pino). One line per event; `--log-format pretty` prints the same fields as
 * `time level component: message key=value`. Secrets are redacted by key name and the APIBAN
 * key is additionally scrubbed from any string through `redactSecrets`.
 */
import { pino, type Logger } from 'pino';
import { ConfigError } from './errors.js';
import { isLogLevel } from './log-levels.js';

export type { Logger };
export type LogFormat = 'json' | 'pretty';

const SECRET_KEYS = ['key', 'apiKey', 'password', 'secret', 'token', 'authorization', 'passphrase', 'privateKey'];

export function createLogger(options: { format?: LogFormat; level?: string; destination?: NodeJS.WritableStream } = {}): Logger {
  const level = options.level ?? 'info';
  if (!isLogLevel(level)) throw new ConfigError('--log-level', [`${JSON.stringify(level)} is not a log level (trace, debug, info, warn, error, fatal, silent)`]);
  const destination = options.destination ?? process.stderr;
  const redact = { paths: SECRET_KEYS.flatMap((k) => [k, `*.${k}`]), censor: '[redacted]' };
  if (options.format === 'pretty') {
    return pino({ level, redact, base: undefined }, prettyStream(destination));
  }
  return pino({ level, redact, base: undefined, timestamp: pino.stdTimeFunctions.isoTime }, destination as never);
}

/** A tiny line formatter: pino-pretty would add a dependency tree for one format string. */
function prettyStream(out: NodeJS.WritableStream): { write(line: string): void } {
  const levels: Record<number, string> = { 10: 'TRACE', 20: 'DEBUG', 30: 'INFO', 40: 'WARN', 50: 'ERROR', 60: 'FATAL' };
  return {
    write(line: string) {
      const { time, level, msg, component, ...rest } = JSON.parse(line) as Record<string, unknown>;
      const fields = Object.entries(rest).map(([k, v]) => `${k}=${typeof v === 'string' ? v : JSON.stringify(v)}`);
      const when = new Date(typeof time === 'number' ? time : Date.now()).toISOString();
      out.write(`${when} ${levels[level as number] ?? level} ${component ? `${component}: ` : ''}${msg ?? ''}${fields.length ? ` ${fields.join(' ')}` : ''}\n`);
    },
  };
}

/** Replaces every occurrence of each secret in `text` (v1 puts the APIBAN key in URL paths). */
export function redactSecrets(text: string, secrets: readonly (string | undefined)[]): string {
  let result = text;
  for (const secret of secrets) {
    if (secret && secret.length >= 4) result = result.split(secret).join('[redacted]');
  }
  return result;
}

/** A logger that drops everything, for library callers and tests that do not assert on logs. */
export const silentLogger: Logger = pino({ level: 'silent' });
