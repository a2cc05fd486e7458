/** `config check` and `config print`: validate and show the configuration, secrets redacted. */
import type { Command } from 'commander';
import { statSync } from 'node:fs';
import { resolve } from 'node:path';
import { printableConfig } from '../config/printable.js';
import { ConfigError } from '../errors.js';
import { commandContext } from './context.js';
import { checkStartup } from './startup-checks.js';

export function register(program: Command): void {
  const config = program.command('config').description('check or print the configuration');
  config
    .command('check')
    .description(
      'validate the configuration as serve, sync and push would at start (state directory, CA, secret, TLS, source and allowlist files, credential variables); prints "path: problem" lines and exits 2 when invalid; -c - reads standard input',
    )
    .option(
      '--schema-only',
      'check the file alone, without the files, directories and variables it names (for checking away from the host that runs it)',
    )
    .option(
      '--credentials-dir <dir>',
      'check it as the systemd unit runs it, with CREDENTIALS_DIRECTORY set to DIR: the directory its LoadCredential= lines copy from (docs/deploy.md)',
    )
    .action(async (options: { schemaOnly?: boolean; credentialsDir?: string }, command: Command) => {
      if (options.credentialsDir !== undefined) useCredentialsDir(options.credentialsDir);
      const ctx = await commandContext(command);
      const warnings = options.schemaOnly === true ? [] : await checkStartup(ctx.loaded, process.env, 'all');
      for (const line of warnings) process.stderr.write(`warning: ${line}\n`);
      if (ctx.json) return ctx.printJson({ ok: true, source: ctx.loaded.source, warnings });
      ctx.print(`${ctx.loaded.source}: ok (${ctx.loaded.config.outputs.length} outputs, ${ctx.loaded.config.push.devices.length} devices)`);
    });
  config
    .command('print')
    .description(
      // biome-ignore lint/suspicious/noTemplateCurlyInString: ${VAR} is the config's own substitution syntax, shown to the user
      'print the configuration as written, defaults filled in, durations in their units, secrets as their ${VAR} or file (an inline secret prints as <redacted>, which config check refuses)',
    )
    .action(async (_options, command: Command) => {
      const ctx = await commandContext(command);
      const printable = printableConfig(ctx.loaded.document ?? {}, process.env);
      if (ctx.json) return ctx.printJson(printable);
      const { default: yaml } = await import('yaml');
      ctx.print(yaml.stringify(printable));
    });
  config
    .command('reference')
    .description('print the configuration reference of docs/config.md (every field, type, default, description) and exit')
    .action(async () => {
      const { configReferenceMarkdown } = await import('./config-reference.js');
      process.stdout.write(`${await configReferenceMarkdown()}\n`);
    });
}

/**
 * systemd exports $CREDENTIALS_DIRECTORY to the unit's processes only (systemd.exec(5),
 * "Credentials": https://www.freedesktop.org/software/systemd/man/latest/systemd.exec.html#Credentials),
 * so a configuration that reads `${CREDENTIALS_DIRECTORY}/...` is checked on the host against the
 * directory the unit's LoadCredential= lines copy from. Set before loading, it feeds the same
 * `${VAR}` expansion the service runs.
 */
function useCredentialsDir(dir: string): void {
  const absolute = resolve(dir);
  let isDirectory = false;
  try {
    isDirectory = statSync(absolute).isDirectory();
  } catch {
    // reported below, the same way as a regular file
  }
  if (!isDirectory) throw new ConfigError('--credentials-dir', [`${absolute}: not a directory`]);
  process.env.CREDENTIALS_DIRECTORY = absolute;
}
