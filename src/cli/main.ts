/**
 * The command line. Each command lives in its own file and registers itself here; exit codes
 * come from the error classes (README "Exit codes").
 */
import { readFileSync } from 'node:fs';
import { Command } from 'commander';
import { EXIT, ExporterError, errorCode } from '../errors.js';
import { choiceOption } from './choice-option.js';
import { LOG_LEVELS } from '../log.js';
import { EMBEDDED, embeddedText } from '../single-executable.js';
import { COMMANDS } from './commands.js';

/** dist/src/cli/main.js -> the package's package.json, three levels up (or the one embedded in the single executable). */
function packageVersion(): string {
  try {
    const text = embeddedText(EMBEDDED.packageJson) ?? readFileSync(new URL('../../../package.json', import.meta.url), 'utf8');
    return (JSON.parse(text) as { version: string }).version;
  } catch {
    return 'unknown';
  }
}

export function buildProgram(): Command {
  const program = new Command('apiban-exporter')
    .description('Put the APIBAN blocklist of SIP attackers on your firewalls')
    .version(packageVersion(), '-V, --version')
    .option('-c, --config <file>', 'configuration file (YAML or JSON); default: built-in defaults + APIBAN_* variables')
    .option('--json', 'machine-readable output')
    .addOption(choiceOption('--log-format <format>', 'log line format', ['json', 'pretty'], 'log format'))
    .addOption(choiceOption('--log-level <level>', 'log threshold', LOG_LEVELS, 'log level').default('info'))
    // Each command's --help lists these global options too (inherited by every subcommand).
    .configureHelp({ showGlobalOptions: true })
    .showHelpAfterError('(add --help for usage)')
    .exitOverride();
  for (const register of COMMANDS) register(program);
  return program;
}

/**
 * `apiban-exporter export | head -3`: the reader closes the pipe and the next write fails with
 * EPIPE. A shell tool ends quietly then, as it would on SIGPIPE (which Node ignores), with exit 0:
 * nothing is wrong, nobody wants the rest. A closed stderr must not stop the command either.
 */
export function endQuietlyWhenReaderGoesAway(): void {
  process.stdout.on('error', (error: NodeJS.ErrnoException) => {
    if (error.code === 'EPIPE') process.exit(0);
    throw error;
  });
  process.stderr.on('error', (error: NodeJS.ErrnoException) => {
    if (error.code !== 'EPIPE') throw error;
  });
}

export async function main(argv: string[]): Promise<number> {
  try {
    await buildProgram().parseAsync(argv);
    return process.exitCode === undefined ? EXIT.ok : Number(process.exitCode);
  } catch (error) {
    if (error instanceof ExporterError) {
      process.stderr.write(`${error.message}\n`);
      return error.exitCode;
    }
    const code = errorCode(error);
    if (code === 'commander.helpDisplayed' || code === 'commander.version' || code === 'commander.help') return EXIT.ok;
    // commander has printed its line (with a did-you-mean for a mistyped option or command).
    if (code === 'commander.invalidArgument') return EXIT.config;
    if (typeof code === 'string' && code.startsWith('commander.')) return EXIT.usage;
    process.stderr.write(`internal error: ${error instanceof Error && error.stack !== undefined ? error.stack : String(error)}\n`);
    return EXIT.internal;
  }
}

endQuietlyWhenReaderGoesAway();
void main(process.argv).then((code) => {
  process.exitCode = code;
});
