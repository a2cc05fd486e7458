/** `targets`: the registry, one line each (name, families, content type, summary). */
import type { Command } from 'commander';
import { loadTargets } from '../../targets/index.js';
import { commandContext } from './context.js';

/** The README's targets table is exactly this output (a test fails when they drift). */
export async function targetsMarkdown(): Promise<string> {
  const rows = [...(await loadTargets()).values()].map(
    (w) =>
      `| \`${w.name}\` | ${w.summary} | ${w.families} | \`${w.http.extension}\` | ${w.aggregateByDefault ? 'yes' : 'no'} | ${w.maxEntries ?? '-'} | ${w.device ? 'SSH CLI' : '-'} |`,
  );
  const head = '| target | what it writes | families | extension | aggregates by default | max entries | push dialect |';
  return [head, '|---|---|---|---|---|---|---|', ...rows].join('\n');
}

export function register(program: Command): void {
  program
    .command('targets')
    .description('list the supported targets')
    .option('--markdown', 'print the README table')
    .action(async (options: { markdown?: boolean }, command: Command) => {
      const ctx = await commandContext(command);
      if (options.markdown) return ctx.print(await targetsMarkdown());
      const rows = [...(await loadTargets()).values()].map((w) => ({
        name: w.name,
        families: w.families,
        push: w.device !== undefined,
        extension: w.http.extension,
        maxEntries: w.maxEntries ?? null,
        summary: w.summary,
      }));
      if (ctx.json) return ctx.printJson(rows);
      const width = Math.max(...rows.map((r) => r.name.length));
      ctx.print(rows.map((r) => `${r.name.padEnd(width)}  ${r.families.padEnd(4)}  ${r.push ? 'push' : '    '}  ${r.summary}`).join('\n'));
    });
}
