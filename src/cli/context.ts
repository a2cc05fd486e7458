/**
 * What every command gets: the validated configuration, a logger and the output mode, built
 * from the global options (`-c`, `--json`, `--log-format`, `--log-level`).
 */
import type { Command } from 'commander';
import type { LoadedConfig } from '../config/load.js';
import { createLogger, type LogFormat, type Logger } from '../log.js';
import { loadConfig } from './load-config.js';
import type { StartupScope } from './startup-checks.js';
import { StatusLine } from './status-line.js';

export interface GlobalOptions {
  config?: string;
  json?: boolean;
  logFormat?: LogFormat;
  logLevel?: string;
}

export interface CommandContext {
  loaded: LoadedConfig;
  log: Logger;
  json: boolean;
  /**
   * The progress line on a terminal (stderr is a TTY and the output is not --json); the logger
   * writes above it. Undefined otherwise: off a terminal output is plain lines.
   */
  statusLine: StatusLine | undefined;
  /** Writes a result to stdout (logs go to stderr, so stdout stays pipeable). */
  print(text: string): void;
  /** Writes a machine-readable result when --json is set. */
  printJson(value: unknown): void;
}

/**
 * `startup`: the command is a start of serve, sync or push, which refuses what startup-checks.ts
 * finds (the same checks `config check` runs) and logs its warnings.
 */
export async function commandContext(command: Command, options: { startup?: StartupScope | undefined } = {}): Promise<CommandContext> {
  const globals = command.optsWithGlobals<GlobalOptions>();
  const json = globals.json ?? false;
  const statusLine = process.stderr.isTTY && !json ? new StatusLine(process.stderr, () => process.stderr.columns) : undefined;
  const log = createLogger({
    format: globals.logFormat ?? (process.stderr.isTTY ? 'pretty' : 'json'),
    level: globals.logLevel,
    destination: statusLine?.logSink,
  });
  const loaded = await loadConfig(globals.config ?? process.env.APIBAN_EXPORTER_CONFIG);
  if (options.startup !== undefined) {
    const { checkStartup } = await import('./startup-checks.js');
    for (const line of await checkStartup(loaded, process.env, options.startup)) log.warn({ problem: line }, 'configuration warning');
  }
  return {
    loaded,
    log,
    json,
    statusLine,
    print: (text) => process.stdout.write(text.endsWith('\n') ? text : `${text}\n`),
    printJson: (value) => process.stdout.write(`${JSON.stringify(value, null, 2)}\n`),
  };
}
