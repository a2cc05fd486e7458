/**
 * `export`: render the published set (or, with --input, a list the user gives) for one target,
 * to stdout or atomically to a file (plus the writer's sidecars, e.g. FMC's `.md5`). Guarded
 * like every publication: an empty or suddenly shrunk set is refused unless --allow-empty /
 * --force. The summary counts what the file holds, per family.
 */
import { type Command, Option } from 'commander';
import { ConfigError } from '../errors.js';
import { formatIssues } from '../config/load.js';
import { ONE_PARSE } from '../plain-issues.js';
import type { OutputConfig } from '../config/schema.js';
import type { BanSet } from '../banset/banset.js';
import { writeFilesAtomic } from '../sync/atomic-file.js';
import { shapeBans } from '../writers/render.js';
import { isTargetName, loadTarget, TARGET_NAMES, writtenFamilies } from '../../targets/index.js';
import type { AnyTargetWriter, TargetWriter } from '../writers/contract.js';
import { choiceOption } from './choice-option.js';
import { commandContext, type CommandContext } from './context.js';

interface ExportOptions {
  target?: string;
  output?: string;
  out?: string;
  input?: string;
  option: string[];
  families?: 'v4' | 'v6' | 'both' | undefined;
  aggregate?: boolean | undefined;
  allowEmpty?: boolean | undefined;
  force?: boolean | undefined;
}

export function register(program: Command): void {
  program
    .command('export')
    .description('render the current ban set, or a given list (--input), for one target')
    .addOption(choiceOption('-t, --target <name>', 'target writer', TARGET_NAMES, 'target', '`apiban-exporter targets` lists them'))
    .option('--output <name>', 'use a configured output (target, options, families, aggregate) by name')
    .option('--out <file>', 'write to this file atomically (and its sidecars next to it) instead of stdout')
    .option('--input <file>', 'render this list (one entry per line; - for stdin) instead of the synced set')
    .option('-o, --option <key=value>', 'writer option (repeatable; values are JSON or plain strings)', collect, [])
    .addOption(new Option('--families <families>', 'limit to one address family').choices(['v4', 'v6', 'both']))
    .option('--aggregate', 'merge into the minimal CIDR list')
    .option('--no-aggregate', 'do not aggregate even if the target does by default')
    .option('--allow-empty', 'publish an empty list')
    .option('--force', 'publish even when the list shrank more than guards.maxShrink')
    .action(async (options: ExportOptions, command: Command) => {
      const ctx = await commandContext(command);
      const output = await chooseOutput(ctx, options);
      const { writer } = output;
      const published = await chooseSet(ctx, options);
      const shaped = shapeBans(writer, published.bans, { families: output.families, aggregate: output.aggregate });
      const body = writer.render(shaped, output.options);
      const { v4, v6 } = shaped.only(writtenFamilies(writer, output.options)).counts();
      const summary = { target: writer.name, entries: v4 + v6, v4, v6, source: published.source, out: options.out ?? 'stdout' };
      if (options.out === undefined) {
        process.stdout.write(body);
      } else {
        const sidecars = Object.entries(writer.sidecars?.(body, output.options) ?? {});
        await writeFilesAtomic(
          [{ path: options.out, data: body }, ...sidecars.map(([suffix, data]) => ({ path: `${options.out}${suffix}`, data }))],
          0o644,
        );
        if (ctx.json) ctx.printJson(summary);
      }
      const from =
        published.source === 'sample'
          ? ' from the bundled sample list'
          : published.source === 'input'
            ? ` from ${options.input === '-' ? 'stdin' : options.input}`
            : '';
      ctx.log.info(
        { component: 'export', ...summary },
        `exported ${summary.entries} entries (v4 ${v4}, v6 ${v6}) for ${writer.name}${from}`,
      );
    });
}

/** The synced set (or the sample) is loaded only without --input: a given list needs no state. */
async function chooseSet(ctx: CommandContext, options: ExportOptions): Promise<{ bans: BanSet; source: string }> {
  const guard = { allowEmpty: options.allowEmpty, force: options.force };
  if (options.input !== undefined) {
    const { readInputSet } = await import('./export-input.js');
    return { ...(await readInputSet(options.input, ctx.loaded, ctx.log, guard)), source: 'input' };
  }
  const { computePublishedSet } = await import('../sync/compute.js');
  return computePublishedSet(ctx.loaded, ctx.log, guard);
}

/** Config validation and --target's choices only let known names through; this says so if that ever breaks. */
function writerNamed(name: string): Promise<AnyTargetWriter> {
  if (!isTargetName(name))
    throw new ConfigError('command line', [`unknown target ${JSON.stringify(name)} (known: ${TARGET_NAMES.join(', ')})`]);
  return loadTarget(name);
}

/** A writer with options its own schema parsed: the one pairing `render` may be given. */
type ChosenOutput<O> = Pick<OutputConfig, 'families' | 'aggregate'> & { writer: TargetWriter<O>; options: O };

async function chooseOutput(ctx: CommandContext, options: ExportOptions): Promise<ChosenOutput<unknown>> {
  const cli = { families: options.families, aggregate: options.aggregate };
  if (options.output !== undefined) {
    const configured = ctx.loaded.config.outputs.find((o) => o.name === options.output);
    if (configured === undefined) {
      const known = ctx.loaded.config.outputs.map((o) => o.name).join(', ') || 'none configured';
      throw new ConfigError(ctx.loaded.source, [`--output: no output named ${JSON.stringify(options.output)} (known: ${known})`]);
    }
    return {
      writer: await writerNamed(configured.target),
      options: configured.options,
      families: cli.families ?? configured.families,
      aggregate: cli.aggregate ?? configured.aggregate,
    };
  }
  if (options.target === undefined) throw new ConfigError('command line', ['--target or --output is required']);
  const writer = await writerNamed(options.target);
  return { writer, options: optionsFromCommandLine(writer, options.option), ...cli };
}

function optionsFromCommandLine<O>(writer: TargetWriter<O>, pairs: string[]): O {
  const parsed = writer.options.safeParse(parseOptionPairs(pairs), ONE_PARSE);
  if (!parsed.success)
    throw new ConfigError(
      'command line',
      formatIssues(parsed.error.issues).map((line) => `--option ${line}`),
    );
  return parsed.data;
}

function collect(value: string, previous: string[]): string[] {
  return [...previous, value];
}

/** `key=value` pairs; a value that parses as JSON (true, 5, null, ["a"]) is taken as that. */
export function parseOptionPairs(pairs: string[]): Record<string, unknown> {
  const options: Record<string, unknown> = {};
  for (const pair of pairs) {
    const at = pair.indexOf('=');
    if (at <= 0) throw new ConfigError('command line', [`--option ${JSON.stringify(pair)}: expected key=value`]);
    const raw = pair.slice(at + 1);
    try {
      options[pair.slice(0, at)] = JSON.parse(raw);
    } catch {
      options[pair.slice(0, at)] = raw;
    }
  }
  return options;
}
