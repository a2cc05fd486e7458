/** `targets`: the registry, one line each (name, families, content type, summary). */
import type { Command } from 'commander';
import { TARGETS } from '../../targets/index.js';
import { commandContext } from './context.js';

export function register(program: Command): void {
  program
    .command('targets')
    .description('list the supported targets')
    .action((_options, command: Command) => {
      const ctx = commandContext(command);
      const rows = [...TARGETS.values()].map((w) => ({
        name: w.name, families: w.families, push: w.device !== undefined, extension: w.http.extension,
        maxEntries: w.maxEntries ?? null, summary: w.summary,
      }));
      if (ctx.json) return ctx.printJson(rows);
      const width = Math.max(...rows.map((r) => r.name.length));
      ctx.print(rows.map((r) => `${r.name.padEnd(width)}  ${r.families.padEnd(4)}  ${r.push ? 'push' : '    '}  ${r.summary}`).join('\n'));
    });
}
