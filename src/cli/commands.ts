/**
 * The commands, one file each; adding one is a file plus an entry here. At start-up only each
 * command's name, summary and usage are registered (a stand-in); the module that implements a
 * command, with everything it imports (config schemas, writers, drivers, the sync engine), is
 * loaded only when that command runs, so `--version` or `export` do not pay for `push` or `serve`.
 * A test keeps these summaries equal to the ones the modules register.
 */
import { Option, type Command } from 'commander';

export interface CommandEntry {
  name: string;
  /** The same text the module's `.description()` gives (top-level `--help` shows it). */
  description: string;
  /** Shown as `[options]` in the top-level help. */
  hasOptions: boolean;
  /** Positional arguments as commander writes them (`<ip>`). */
  arguments?: string;
  load(): Promise<{ register(program: Command): void }>;
}

export const COMMAND_ENTRIES: readonly CommandEntry[] = [
  { name: 'targets', description: 'list the supported targets', hasOptions: true, load: () => import('./targets.js') },
  { name: 'config', description: 'check or print the configuration', hasOptions: false, load: () => import('./config.js') },
  {
    name: 'export',
    hasOptions: true,
    load: () => import('./export.js'),
    description: 'render the current ban set, or a given list (--input), for one target',
  },
  {
    name: 'serve',
    hasOptions: true,
    load: () => import('./serve.js'),
    description: 'keep the ban set fresh and serve every configured output over HTTP(S) for firewalls to poll',
  },
  {
    name: 'push',
    description: 'push the ban set to configured devices (only the difference is sent)',
    hasOptions: true,
    load: () => import('./push.js'),
  },
  {
    name: 'sync',
    hasOptions: true,
    load: () => import('./sync.js'),
    description:
      'download the APIBAN list into the state directory (paced, resumable); without a key, publish the configured sources alone',
  },
  {
    name: 'check',
    arguments: '<ip>',
    hasOptions: true,
    load: () => import('./check.js'),
    description: 'is this address in the local published set (since when, listed by whom) and, with a key, on APIBAN',
  },
  {
    name: 'history',
    hasOptions: true,
    load: () => import('./history.js'),
    description: 'each sync: time, kind, outcome, addresses added and removed (kept for sync.history); edge bans per client',
  },
];

/**
 * Registers a stand-in that accepts anything; when it is chosen it swaps itself for the real
 * command (same place in the list) and parses the same arguments again, so options, errors and
 * `--help` all come from the real command.
 */
function registerStandIn(program: Command, entry: CommandEntry): void {
  const standIn = program.command(entry.name).description(entry.description).helpOption(false).allowUnknownOption().allowExcessArguments();
  if (entry.hasOptions) standIn.addOption(new Option('-h, --help').hideHelp());
  if (entry.arguments !== undefined) standIn.argument(entry.arguments);
  // The real command reports a missing argument and shows its help (`help export` calls the
  // stand-in's help(), then falls back to dispatching `--help` to it); the stand-in must not.
  Object.assign(standIn, { missingArgument: () => undefined, help: () => undefined });
  standIn.action(async () => {
    const argv = (program as unknown as { rawArgs: string[] }).rawArgs;
    const { register } = await entry.load();
    const commands = program.commands as Command[];
    const at = commands.indexOf(standIn);
    commands.splice(at, 1);
    register(program);
    commands.splice(at, 0, commands.pop() as Command);
    await program.parseAsync(argv);
  });
}

export const COMMANDS: ReadonlyArray<(program: Command) => void> = COMMAND_ENTRIES.map(
  (entry) => (program: Command) => registerStandIn(program, entry),
);
