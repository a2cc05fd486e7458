/**
 * What every command gets: the validated configuration, a logger and the output mode, built
 * from the global options (`-c`, `--json`, `--log-format`, `--log-level`).
 */
import type { Command } from 'commander';
import type { LoadedConfig } from '../config/load.js';
import { createLogger, type LogFormat, type Logger } from '../log.js';
import { loadConfig } from './load-config.js';

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
  /** Writes a result to stdout (logs go to stderr, so stdout stays pipeable). */
  print(text: string): void;
  /** Writes a machine-readable result when --json is set. */
  printJson(value: unknown): void;
}

export async function commandContext(command: Command): Promise<CommandContext> {
  const globals = command.optsWithGlobals<GlobalOptions>();
  const log = createLogger({ format: globals.logFormat ?? (process.stderr.isTTY ? 'pretty' : 'json'), level: globals.logLevel });
  return {
    loaded: await loadConfig(globals.config ?? process.env.APIBAN_EXPORTER_CONFIG),
    log,
    json: globals.json ?? false,
    print: (text) => process.stdout.write(text.endsWith('\n') ? text : `${text}\n`),
    printJson: (value) => process.stdout.write(`${JSON.stringify(value, null, 2)}\n`),
  };
}
