/**
 * `serve`: the hosted URL-table endpoint daemon (src/serve, docs/serve.md). Runs until SIGTERM or
 * SIGINT (graceful: in-flight responses finish, the sync service closes its state), reloads the
 * configuration on SIGHUP (an invalid file is logged and the running configuration kept).
 */
import { isDeepStrictEqual } from 'node:util';
import { Option, type Command } from 'commander';
import type { LoadedConfig } from '../config/load.js';
import { loadConfig } from './load-config.js';
import type { Logger } from '../log.js';
import type { PushScheduler } from '../push/push-scheduler.js';
import type { DeviceResult } from '../push/run.js';
import type { PublishedSet } from '../sync/published-set.js';
import { parseDuration } from '../config/duration.js';
import { ConfigError, errorMessage } from '../errors.js';
import type { ServeDaemon } from '../serve/daemon.js';
import { commandContext, type CommandContext, type GlobalOptions } from './context.js';

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
      // Installed before anything else: SIGHUP's default action ends the process, and a reload
      // asked for while serve starts is applied once it runs.
      const signals = new ServeSignals(ctx.log);
      try {
        await run(ctx, options, command, signals);
      } finally {
        signals.detach();
      }
    });
}

async function run(ctx: CommandContext, options: ServeOptions, command: Command, signals: ServeSignals): Promise<void> {
  const configPath = command.optsWithGlobals<GlobalOptions>().config ?? process.env.APIBAN_EXPORTER_CONFIG;
  // Loaded on use, so the other commands start without the sync engine's module graph.
  const { createSyncService } = await import('../sync/service.js');
  const { startSyncThread } = await import('../serve/sync-thread.js');
  const { startServeSync } = await import('../serve/sync-placement.js');
  const { ServeDaemon } = await import('../serve/daemon.js');
  const { requireListSource } = await import('../sync/keyless.js');
  const { startEdgeSeam } = await import('../ingest/serve-seam.js');
  requireListSource(ctx.loaded.config);
  const holder: { daemon?: ServeDaemon } = {};
  const pushes = new ScheduledPushes(
    ctx.log,
    () => holder.daemon?.state.view.snapshot?.set,
    (results) => {
      holder.daemon?.status.recordPush(results);
    },
  );
  const daemon = await ServeDaemon.start({
    loaded: ctx.loaded,
    log: ctx.log.child({ component: 'serve' }),
    // A large set syncs in a worker thread: a million-entry sync or policy change never stalls the polls.
    createRunner: (loaded, log, hooks) =>
      startServeSync(loaded, log.child({ component: 'sync' }), hooks, createSyncService, startSyncThread),
    startExtension: startEdgeSeam,
    reloadConfig: async () => {
      const loaded = await loadConfig(configPath);
      requireListSource(loaded.config);
      return loaded;
    },
    listen: options.listen,
    minIntervalMs: options.minInterval === undefined ? undefined : minInterval(options.minInterval),
    onSetChanged: (set) => pushes.afterSync(set),
    version: command.parent?.version(),
  });
  holder.daemon = daemon;
  await pushes.apply(ctx.loaded);
  await signals.serve(daemon, pushes);
  await pushes.stop();
}

/**
 * The scheduled pushes of `serve` (push.schedule: after each changing sync, and on a cron): built
 * when devices are configured, and rebuilt when a reload changes the push or guard settings.
 */
class ScheduledPushes {
  private scheduler: PushScheduler | undefined;
  private settings?: unknown;

  constructor(
    private readonly log: Logger,
    private readonly current: () => PublishedSet | undefined,
    private readonly onResults?: (results: DeviceResult[]) => void,
  ) {}

  async apply(loaded: LoadedConfig): Promise<void> {
    const settings = { push: loaded.config.push, guards: loaded.config.guards };
    if (isDeepStrictEqual(settings, this.settings)) return;
    await this.stop();
    this.settings = settings;
    if (loaded.config.push.devices.length === 0) return;
    const { createPushScheduler } = await import('../push/push-scheduler.js');
    this.scheduler = createPushScheduler(loaded, this.log, { onResults: this.onResults });
    this.scheduler.start(this.current);
  }

  afterSync(set: PublishedSet): void {
    void this.scheduler?.afterSync(set);
  }

  async stop(): Promise<void> {
    await this.scheduler?.stop();
    this.scheduler = undefined;
  }
}

function minInterval(text: string): number {
  const ms = parseDuration(text);
  if (ms === undefined) throw new ConfigError('--min-interval', [`${JSON.stringify(text)} is not a duration`]);
  return ms;
}

/**
 * SIGHUP reloads (scheduled pushes included), SIGTERM/SIGINT shut down cleanly. Signals that
 * arrive while serve starts are remembered: a stop ends serve as soon as it runs, a hangup
 * reloads then.
 */
class ServeSignals {
  private daemon?: ServeDaemon;
  private pushes?: ScheduledPushes;
  private hangupPending = false;
  private stopPending = false;
  private stopped?: () => void;
  private readonly onHangup = () => this.hangup();
  private readonly onStop = () => this.stop();

  constructor(private readonly log: Logger) {
    process.on('SIGHUP', this.onHangup).on('SIGTERM', this.onStop).on('SIGINT', this.onStop);
  }

  /** Resolves after a clean shutdown. */
  serve(daemon: ServeDaemon, pushes: ScheduledPushes): Promise<void> {
    this.daemon = daemon;
    this.pushes = pushes;
    const done = new Promise<void>((resolve) => {
      this.stopped = resolve;
    });
    if (this.stopPending) this.stop();
    else if (this.hangupPending) this.hangup();
    return done;
  }

  detach(): void {
    process.off('SIGHUP', this.onHangup).off('SIGTERM', this.onStop).off('SIGINT', this.onStop);
  }

  private hangup(): void {
    const { daemon, pushes } = this;
    this.hangupPending = daemon === undefined;
    if (daemon === undefined || pushes === undefined) return;
    // reload() never throws; the push scheduler's rebuild is guarded too, so no SIGHUP can end serve.
    void daemon
      .reload()
      .then((ok) => (ok ? pushes.apply(daemon.config) : undefined))
      .catch((error: unknown) => this.log.error({ err: errorMessage(error) }, 'scheduled pushes could not be rebuilt after the reload'));
  }

  private stop(): void {
    const { daemon, stopped } = this;
    this.stopPending = true;
    if (daemon === undefined || stopped === undefined) return;
    this.detach();
    // Later signals are ignored, not fatal: a second SIGTERM must not cut the clean stop short.
    process.on('SIGHUP', ignore).on('SIGTERM', ignore).on('SIGINT', ignore);
    void daemon.shutdown().then(stopped, (error: unknown) => {
      this.log.error({ err: errorMessage(error) }, 'shutdown failed');
      stopped();
    });
  }
}

function ignore(): void {}
