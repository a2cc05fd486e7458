/**
 * `push`: put the published set on configured devices, changing only the difference.
 * `--device/--group/--tag/--all` choose the devices, `--dry-run` prints each device's exact
 * commands and changes nothing, a summary table (or `--json`) ends the run, and the exit code
 * is 6 when any device failed or was refused. `--watch` runs serve's runtime without its HTTP
 * side: it syncs every sync.interval and pushes after each sync that changed the set (and on
 * push.schedule.cron), and reloads on SIGHUP.
 */
import { Option, type Command } from 'commander';
import type { BanSet } from '../banset/banset.js';
import type { DeviceSelector } from '../config/push-schema.js';
import { ConfigError, EXIT, ExporterError, StateError } from '../errors.js';
import { computePublishedSet } from '../sync/compute.js';
import { requireListSource } from '../sync/keyless.js';
import { resolveDevice, selectDevices, type PushDevice } from '../push/devices.js';
import { anyFailed, type DeviceResult } from '../fleet/device-result.js';
import { pushToDevices } from '../push/run.js';
import { createSyncService, type SyncService } from '../sync/service.js';
import { commandContext, type CommandContext, type GlobalOptions } from './context.js';
import { DaemonSignals } from './daemon-signals.js';
import { loadConfig } from './load-config.js';
import { minInterval } from './serve.js';
import { driversMarkdown } from './drivers-markdown.js';
import { formatPlan } from './plan-text.js';
import { PushProgress } from './push-progress.js';

interface PushCommandOptions {
  device: string[];
  group: string[];
  tag: string[];
  all?: boolean;
  driversMarkdown?: boolean;
  dryRun?: boolean | undefined;
  allowEmpty?: boolean | undefined;
  force?: boolean | undefined;
  acceptNewHostKey?: boolean | undefined;
  sync: boolean;
  watch?: boolean;
  concurrency?: string;
  minInterval?: string;
}

const collect = (value: string, previous: string[]) => [...previous, value];

export function register(program: Command): void {
  program
    .command('push')
    .description('push the ban set to configured devices (only the difference is sent)')
    .option('-d, --device <name>', 'a device by name (repeatable)', collect, [])
    .option('-g, --group <group>', 'devices in this group (repeatable)', collect, [])
    .option('--tag <tag>', 'devices with this tag (repeatable)', collect, [])
    .option('--all', 'every configured device')
    .option('--drivers-markdown', 'print the drivers table of docs/push-drivers.md and exit')
    .option('--dry-run', 'print the exact commands per device and change nothing')
    .option('--allow-empty', 'allow making a device list empty (a placeholder may remain)')
    .option('--force', 'allow shrinking a device list by more than guards.maxShrink')
    .option('--accept-new-host-key', 'trust and record an unknown SSH host key (never a changed one)')
    .option('--no-sync', 'push the last published set without syncing first')
    .option('--watch', 'keep running: sync every sync.interval, push after each change (and on push.schedule.cron)')
    .option('--concurrency <n>', 'devices at a time (default: push.concurrency)')
    .addOption(new Option('--min-interval <duration>', 'lower bound of the --watch sync interval (tests only)').hideHelp())
    .action(async (options: PushCommandOptions, command: Command) => {
      const ctx = await commandContext(command, { startup: options.driversMarkdown ? undefined : 'push' });
      if (options.driversMarkdown) return ctx.print(await driversMarkdown());
      requireListSource(ctx.loaded.config);
      if (!options.watch) return pushOnce(ctx, options, await chooseDevices(ctx, options));
      await watch(ctx, options, command.optsWithGlobals<GlobalOptions>().config ?? process.env.APIBAN_EXPORTER_CONFIG);
    });
}

/**
 * The set to push: synced first unless --no-sync. When the state directory is locked (serve or
 * another sync holds it) or --no-sync is given, the published set is read without the lock, as
 * `export` does: a one-off push must work next to a running serve.
 */
async function wantedSet(ctx: CommandContext, options: PushCommandOptions): Promise<BanSet> {
  if (options.sync) {
    let service: SyncService | undefined;
    try {
      service = await createSyncService(ctx.loaded, ctx.log);
    } catch (error) {
      if (!(error instanceof StateError)) throw error;
      ctx.log.warn({ component: 'push' }, `${error.message}; pushing its published set without syncing`);
    }
    if (service !== undefined) {
      try {
        const report = await service.sync();
        if (!report.ok) ctx.log.warn({ component: 'push' }, `sync failed (${report.error}); pushing the last published set`);
        const published = service.current();
        if (published === undefined) throw new ExporterError('[push] nothing has been published yet: fix the sync error above first');
        return published.bans;
      } finally {
        await service.close();
      }
    }
  }
  return (await computePublishedSet(ctx.loaded, ctx.log, { unguarded: true })).bans;
}

async function pushOnce(ctx: CommandContext, options: PushCommandOptions, devices: PushDevice[]): Promise<void> {
  const wanted = await wantedSet(ctx, options);
  const concurrency = options.concurrency === undefined ? ctx.loaded.config.push.concurrency : Number(options.concurrency);
  if (!Number.isInteger(concurrency) || concurrency < 1)
    throw new ConfigError('command line', ['--concurrency: a whole number of at least 1']);
  const progress = ctx.statusLine && new PushProgress(ctx.statusLine, devices.length);
  let results: DeviceResult[];
  try {
    results = await pushToDevices(devices, wanted, {
      log: ctx.log.child({ component: 'push' }),
      guards: ctx.loaded.config.guards,
      concurrency,
      dryRun: options.dryRun,
      acceptNewHostKey: options.acceptNewHostKey,
      overrides: { allowEmpty: options.allowEmpty, force: options.force },
      onResult: progress?.onResult,
      onPhase: progress?.onPhase,
    });
  } finally {
    progress?.finish();
  }
  report(ctx, results);
  if (anyFailed(results)) process.exitCode = EXIT.device;
}

async function chooseDevices(ctx: CommandContext, options: PushCommandOptions): Promise<PushDevice[]> {
  const { devices } = ctx.loaded.config.push;
  if (!options.all && options.device.length + options.group.length + options.tag.length === 0) {
    throw new ConfigError('command line', ['choose devices with --device, --group, --tag or --all']);
  }
  const chosen = selectDevices(devices, { all: options.all, device: options.device, group: options.group, tag: options.tag });
  if (chosen.length === 0) throw new ConfigError('command line', ['no configured device matches the selection']);
  return Promise.all(chosen.map((d) => resolveDevice(d, process.env)));
}

export function report(ctx: CommandContext, results: readonly DeviceResult[]): void {
  if (ctx.json) {
    ctx.printJson(results);
    return;
  }
  for (const r of results) {
    if (r.plan !== undefined) ctx.print([`# ${r.device} (${r.driver}): +${r.added} -${r.removed}`, ...formatPlan(r.plan)].join('\n'));
  }
  ctx.print(formatSummary(results));
  // Drivers that cannot list the device say how they proved the result (iptables-api).
  for (const r of results) if (r.verified !== undefined && r.verified !== 'read back') ctx.print(`${r.device}: verified: ${r.verified}`);
  for (const r of results) if (r.error !== undefined) ctx.print(r.error);
}

export function formatSummary(results: readonly DeviceResult[]): string {
  const header = ['device', 'added', 'removed', 'sent', 'duration', 'result'];
  const rows = results.map((r) => [
    r.device,
    String(r.added),
    String(r.removed),
    String(r.sent),
    `${(r.durationMs / 1000).toFixed(1)}s`,
    r.result,
  ]);
  const widths = header.map((h, i) => Math.max(h.length, ...rows.map((row) => row[i].length)));
  return [header, ...rows]
    .map((row) =>
      row
        .map((cell, i) => (i === 0 || i === 5 ? cell.padEnd(widths[i]) : cell.padStart(widths[i])))
        .join('  ')
        .trimEnd(),
    )
    .join('\n');
}

/** The command line's selection when it has one, else push.schedule.select (what serve pushes to). */
function watchSelection(ctx: CommandContext, options: PushCommandOptions): DeviceSelector {
  const { push } = ctx.loaded.config;
  const given = options.all || options.device.length + options.group.length + options.tag.length > 0;
  const select: DeviceSelector = given
    ? { all: options.all, device: options.device, group: options.group, tag: options.tag }
    : push.schedule.select;
  if (selectDevices(push.devices, select).length === 0)
    throw new ConfigError('command line', ['no configured device matches the selection']);
  return select;
}

/**
 * `--watch`: the runtime serve runs, without its HTTP side: sync every sync.interval, push each
 * change (and on push.schedule.cron and verifyEvery) to the chosen devices, reload on SIGHUP.
 */
async function watch(ctx: CommandContext, options: PushCommandOptions, configPath: string | undefined): Promise<void> {
  const select = watchSelection(ctx, options);
  const signals = new DaemonSignals(ctx.log);
  try {
    const { startRuntime } = await import('./start-runtime.js');
    const runtime = await startRuntime(ctx, {
      reloadConfig: () => loadConfig(configPath),
      minIntervalMs: minInterval(options.minInterval),
      push: { select, acceptNewHostKey: options.acceptNewHostKey, onResults: (results) => report(ctx, results), atStart: true },
    });
    await signals.run(runtime);
  } finally {
    signals.detach();
  }
}
