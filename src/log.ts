/**
 * Structured logging (pino). One line per event; `--log-format pretty` prints the same fields as
 * `time level component: message key=value`. Secrets are redacted by key name (the shared list in
 * src/config/secret-keys.ts) and the APIBAN key is additionally scrubbed from any string through
 * `redactSecrets`. Every field appears once per line, and strings that come from outside (a feed
 * entry that is not an address) are cut short, so one bad input cannot make a 100 kB log line.
 *
 * pino (a dozen CommonJS files, ~40 ms to load) is required only when a line at an enabled level
 * is written: `export --log-level warn` that logs nothing never loads it. The lines are pino's own,
 * so the format does not depend on whether the logger was created early or late.
 */
import { createRequire } from 'node:module';
import type { Logger as PinoLogger } from 'pino';
import { SECRET_KEYS } from './config/secret-keys.js';
import { ConfigError } from './errors.js';

export type LogFormat = 'json' | 'pretty';

/** Where log lines go: a stream, or anything that takes whole lines (the terminal's status line, src/cli/status-line.ts). */
export interface LogDestination {
  write(line: string): unknown;
}

type LogMethod = {
  (fields: object, message?: string): void;
  (message: string): void;
};
type Method = 'trace' | 'debug' | 'info' | 'warn' | 'error' | 'fatal';

/** What the code logs through: pino's call shapes, with the pino instance made on first use. */
export type Logger = { readonly [M in Method]: LogMethod } & { child(bindings: Record<string, unknown>): Logger };

/**
 * The thresholds `--log-level` accepts: pino's own level names. The command line reads them from
 * here before any command runs, which costs nothing: pino itself is loaded on the first line.
 */
export const LOG_LEVELS = ['trace', 'debug', 'info', 'warn', 'error', 'fatal', 'silent'] as const;
type LogLevel = (typeof LOG_LEVELS)[number];

function isLogLevel(value: string): value is LogLevel {
  return (LOG_LEVELS as readonly string[]).includes(value);
}

/** pino's numeric levels, so a call below the threshold returns before pino exists. */
const LEVEL_VALUES: Record<LogLevel, number> = { trace: 10, debug: 20, info: 30, warn: 40, error: 50, fatal: 60, silent: Infinity };

// Synchronous and on demand: createLogger stays synchronous, and pino is a CommonJS package.
const requireFromHere = createRequire(import.meta.url);
let pinoModule: typeof import('pino') | undefined;
function loadPino(): typeof import('pino') {
  if (pinoModule !== undefined) return pinoModule;
  const loaded: typeof import('pino') = requireFromHere('pino');
  pinoModule = loaded;
  return loaded;
}

export function createLogger(
  options: { format?: LogFormat; level?: string | undefined; destination?: LogDestination | undefined } = {},
): Logger {
  const level = options.level ?? 'info';
  if (!isLogLevel(level))
    throw new ConfigError('--log-level', [`${JSON.stringify(level)} is not a log level (trace, debug, info, warn, error, fatal, silent)`]);
  const destination = options.destination ?? process.stderr;
  return deferredLogger(LEVEL_VALUES[level], () => createPino(level, options.format, destination));
}

function createPino(level: LogLevel, format: LogFormat | undefined, destination: LogDestination): PinoLogger {
  const { pino } = loadPino();
  const common = {
    level,
    base: null,
    redact: { paths: SECRET_KEYS.flatMap((k) => [k, `*.${k}`]), censor: '[redacted]' },
    onChild: keepLastBinding,
    hooks: { logMethod: logFieldsOnce },
    formatters: { log: shortenLongStrings },
  };
  if (format === 'pretty') return pino(common, prettyStream(destination));
  return pino({ ...common, timestamp: pino.stdTimeFunctions.isoTime }, destination as never);
}

/**
 * A logger whose pino instance (and its children's) is made by the first call at an enabled
 * level. Children inherit the threshold, as pino's do; nothing here changes a level later.
 */
function deferredLogger(threshold: number, realize: () => PinoLogger): Logger {
  let real: PinoLogger | undefined;
  const instance = (): PinoLogger => {
    real ??= realize();
    return real;
  };
  const method = (name: Method): LogMethod =>
    LEVEL_VALUES[name] < threshold ? ignore : (...args: unknown[]) => void Reflect.apply(instance()[name], instance(), args);
  return {
    trace: method('trace'),
    debug: method('debug'),
    info: method('info'),
    warn: method('warn'),
    error: method('error'),
    fatal: method('fatal'),
    child: (bindings) => deferredLogger(threshold, () => instance().child(bindings)),
  };
}

function ignore(): void {}

type Bindings = Record<string, unknown>;
type WithChindings = PinoLogger & Record<symbol, string>;
const chindings = (): symbol => loadPino().pino.symbols.chindingsSym;

/** pino's bindings are a pre-serialized `,"k":v` string; rebuilt from an object, each key once. */
function serializeBindings(bindings: Bindings): string {
  return Object.entries(bindings)
    .map(([k, v]) => `,${JSON.stringify(k)}:${JSON.stringify(v)}`)
    .join('');
}

/**
 * pino appends a child's bindings to its parent's, so `log.child({component: 'serve'})
 * .child({component: 'sync'})` wrote `"component":"serve","component":"sync"`. A child's value
 * replaces its parent's instead (bindings() parses the string, the last value winning).
 */
function keepLastBinding(child: PinoLogger): void {
  (child as WithChindings)[chindings()] = serializeBindings(child.bindings());
}

/**
 * A field given to one call (`log.warn({component: 'apiban'}, ...)`) overrides the logger's
 * binding of the same name for that line, instead of both being written.
 */
function logFieldsOnce(this: PinoLogger, args: Parameters<PinoLogger['info']>, method: (...a: unknown[]) => void): void {
  const fields = args[0];
  const self = this as WithChindings;
  const chindingsSym = chindings();
  const saved = self[chindingsSym];
  if (saved === '' || fields === null || typeof fields !== 'object' || fields instanceof Error) return void method.apply(this, args);
  const bindings = this.bindings();
  const shared = Object.keys(fields).filter((key) => key in bindings);
  if (shared.length === 0) return void method.apply(this, args);
  for (const key of shared) delete bindings[key];
  self[chindingsSym] = serializeBindings(bindings);
  try {
    method.apply(this, args);
  } finally {
    self[chindingsSym] = saved;
  }
}

/** A field named `entry` holds rejected input (a feed line); longer ones keep this many characters. */
const ENTRY_KEEP = 80;
/** Any other string longer than this is cut to it: a log line stays a line. */
const FIELD_MAX = 2000;

export function shortenForLog(text: string, keep: number): string {
  return text.length <= keep ? text : `${text.slice(0, keep)}… (${text.length} characters)`;
}

function shortenLongStrings(fields: Record<string, unknown>): Record<string, unknown> {
  return shortenValue(fields, FIELD_MAX, 0) as Record<string, unknown>;
}

function shortenValue(value: unknown, keep: number, depth: number): unknown {
  if (typeof value === 'string') return shortenForLog(value, keep);
  if (depth > 4 || value === null || typeof value !== 'object' || value instanceof Error) return value;
  if (Array.isArray(value)) return value.map((item) => shortenValue(item, keep, depth + 1));
  if (Object.getPrototypeOf(value) !== Object.prototype) return value;
  return Object.fromEntries(Object.entries(value).map(([k, v]) => [k, shortenValue(v, k === 'entry' ? ENTRY_KEEP : FIELD_MAX, depth + 1)]));
}

/** A tiny line formatter: pino-pretty would add a dependency tree for one format string. */
function prettyStream(out: LogDestination): { write(line: string): void } {
  const levels: Record<number, string> = { 10: 'TRACE', 20: 'DEBUG', 30: 'INFO', 40: 'WARN', 50: 'ERROR', 60: 'FATAL' };
  return {
    write(line: string) {
      const { time, level, msg, component, ...rest } = JSON.parse(line) as Record<string, unknown>;
      const fields = Object.entries(rest).map(([k, v]) => `${k}=${typeof v === 'string' ? v : JSON.stringify(v)}`);
      const when = new Date(typeof time === 'number' ? time : Date.now()).toISOString();
      out.write(
        `${when} ${levels[level as number] ?? level} ${component ? `${component}: ` : ''}${msg ?? ''}${fields.length ? ` ${fields.join(' ')}` : ''}\n`,
      );
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
export const silentLogger: Logger = deferredLogger(LEVEL_VALUES.silent, () => loadPino().pino({ level: 'silent' }));
