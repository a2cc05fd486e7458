/** `config check` and `config print`: validate and show the effective configuration, secrets redacted. */
import type { Command } from 'commander';
import { stringify } from 'yaml';
import { redactConfig } from '../config/redact.js';
import { commandContext } from './context.js';

export function register(program: Command): void {
  const config = program.command('config').description('check or print the configuration');
  config
    .command('check')
    .description('validate the configuration; prints "path: problem" lines and exits 2 when invalid')
    .action((_options, command: Command) => {
      const ctx = commandContext(command);
      if (ctx.json) return ctx.printJson({ ok: true, source: ctx.loaded.source });
      ctx.print(`${ctx.loaded.source}: ok (${ctx.loaded.config.outputs.length} outputs, ${ctx.loaded.config.push.devices.length} devices)`);
    });
  config
    .command('print')
    .description('print the effective configuration with defaults filled in and secrets redacted')
    .action((_options, command: Command) => {
      const ctx = commandContext(command);
      const redacted = redactConfig(ctx.loaded.config);
      if (ctx.json) return ctx.printJson(redacted);
      ctx.print(stringify(redacted));
    });
}
