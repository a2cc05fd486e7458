/**
 * `serve`: the hosted URL-table endpoint daemon (src/serve, docs/serve.md), run by the one runtime
 * (src/runtime) with its HTTP side. Runs until SIGTERM or SIGINT (graceful: in-flight responses
 * finish, the sync service closes its state), reloads the configuration on SIGHUP (an invalid file
 * is logged and the running configuration kept).
 */
import { Option, type Command } from 'commander';
import { loadConfig } from './load-config.js';
import { parseDuration } from '../duration.js';
import { ConfigError } from '../errors.js';
import { commandContext, type GlobalOptions } from './context.js';
import { DaemonSignals } from './daemon-signals.js';

interface ServeOptions {
  listen?: string;
  minInterval?: string;
}

export function register(program: Command): void {
  program
    .command('serve')
    .description('keep the ban set fresh and serve every configured output over HTTP(S) for firewalls to poll')
    .option('--listen <host:port>', 'address to bind (default: serve.listen, 127.0.0.1:8080)')
    .addOption(new Option('--min-interval <duration>', 'lower bound of the sync interval (tests only)').hideHelp())
    .action(async (options: ServeOptions, command: Command) => {
      const ctx = await commandContext(command, { startup: 'serve' });
      const signals = new DaemonSignals(ctx.log);
      try {
        const configPath = command.optsWithGlobals<GlobalOptions>().config ?? process.env.APIBAN_EXPORTER_CONFIG;
        // Loaded on use, so the other commands start without the sync engine's module graph.
        const { startRuntime } = await import('./start-runtime.js');
        const runtime = await startRuntime(ctx, {
          reloadConfig: () => loadConfig(configPath),
          minIntervalMs: minInterval(options.minInterval),
          http: { listen: options.listen, version: command.parent?.version() },
        });
        await signals.run(runtime);
      } finally {
        signals.detach();
      }
    });
}

/** `--min-interval` (tests only). */
export function minInterval(text: string | undefined): number | undefined {
  if (text === undefined) return undefined;
  const ms = parseDuration(text);
  if (ms === undefined) throw new ConfigError('--min-interval', [`${JSON.stringify(text)} is not a duration`]);
  return ms;
}
