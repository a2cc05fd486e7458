/** `config check` and `config print`: validate and show the effective configuration, secrets redacted. */
import type { Command } from 'commander';
import { statSync } from 'node:fs';
import { resolve } from 'node:path';
import type { Env, LoadedConfig } from '../config/load.js';
import { redactConfig } from '../config/redact.js';
import { ConfigError } from '../errors.js';
import { commandContext } from './context.js';

export function register(program: Command): void {
  const config = program.command('config').description('check or print the configuration');
  config
    .command('check')
    .description(
      'validate the configuration as serve and push would at start (secret and TLS files, credential variables); prints "path: problem" lines and exits 2 when invalid',
    )
    .option(
      '--schema-only',
      'check the file alone, without the secret, TLS and allowlist files and the variables it names (for checking away from the host that runs it)',
    )
    .option(
      '--credentials-dir <dir>',
      'check it as the systemd unit runs it, with CREDENTIALS_DIRECTORY set to DIR: the directory its LoadCredential= lines copy from (docs/deploy.md)',
    )
    .action(async (options: { schemaOnly?: boolean; credentialsDir?: string }, command: Command) => {
      if (options.credentialsDir !== undefined) useCredentialsDir(options.credentialsDir);
      const ctx = await commandContext(command);
      if (options.schemaOnly !== true) await checkStartup(ctx.loaded, process.env);
      if (ctx.json) return ctx.printJson({ ok: true, source: ctx.loaded.source });
      ctx.print(`${ctx.loaded.source}: ok (${ctx.loaded.config.outputs.length} outputs, ${ctx.loaded.config.push.devices.length} devices)`);
    });
  config
    .command('print')
    .description('print the effective configuration with defaults filled in and secrets redacted')
    .action(async (_options, command: Command) => {
      const ctx = await commandContext(command);
      const redacted = redactConfig(ctx.loaded.config);
      if (ctx.json) return ctx.printJson(redacted);
      const { default: yaml } = await import('yaml');
      ctx.print(yaml.stringify(redacted));
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

/**
 * What `serve` and `push` resolve when they start, run through the very same functions: the
 * site (access-rule secret files, mirror tokens), the TLS certificate and key, every device's
 * credentials (variables set, files readable) and the allowlist files each sync reads.
 * Everything else was checked by loadConfig.
 */
export async function checkStartup(loaded: LoadedConfig, env: Env): Promise<void> {
  const [{ resolveSite }, { loadTls }, { resolveDevice }, { buildPolicy }] = await Promise.all([
    import('../serve/site.js'),
    import('../serve/listener.js'),
    import('../push/devices.js'),
    import('../sync/publish.js'),
  ]);
  const problems: string[] = [];
  const collect = async (prefix: string, resolve: () => unknown) => {
    try {
      await resolve();
    } catch (error) {
      if (!(error instanceof ConfigError)) throw error;
      problems.push(...error.problems.map((line) => `${prefix}${line}`));
    }
  };
  await collect('', () => resolveSite(loaded));
  const { tls } = loaded.config.serve;
  if (tls !== undefined) await collect('', () => loadTls(tls));
  for (const [i, device] of loaded.config.push.devices.entries()) await collect(`push.devices[${i}].`, () => resolveDevice(device, env));
  // Every sync builds the policy; an unreadable or invalid allowlist file stops publishing.
  await collect('', () => buildPolicy(loaded.config.policy));
  if (problems.length > 0) throw new ConfigError(loaded.source, problems);
}
