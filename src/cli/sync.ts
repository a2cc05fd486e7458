/**
 * `sync`: one paced APIBAN download into the state directory (full when due or with --full),
 * then the publishing guard. Prints a one-line summary or, with --json, the report. Exit codes:
 * 0 ok, 3 APIBAN, 4 state (locked, unreadable), 5 guard, 2 config, 130 interrupted (README "Exit codes").
 */
import type { Command } from 'commander';
import type { SyncErrorKind, SyncReport } from '../sync/service.js';
import type { SyncProgress } from '../sync/sync-options.js';
import { commandContext, type CommandContext } from './context.js';
import { EXIT } from '../errors.js';

interface SyncCommandOptions {
  full?: boolean | undefined;
  allowEmpty?: boolean | undefined;
  force?: boolean | undefined;
}

const EXIT_CODES: Record<SyncErrorKind, number> = {
  config: EXIT.config,
  apiban: EXIT.apiban,
  state: EXIT.state,
  guard: EXIT.refused,
  aborted: EXIT.interrupted,
  internal: EXIT.internal,
};

export function register(program: Command): void {
  program
    .command('sync')
    .description(
      'download the APIBAN list into the state directory (paced, resumable); without a key, publish the configured sources alone',
    )
    .option('--full', 'download the whole active list again instead of only what is new')
    .option('--allow-empty', 'accept an empty result instead of refusing it')
    .option('--force', 'accept a result that shrank more than guards.maxShrink')
    .addHelpText(
      'after',
      `
The state directory (state.dir, APIBAN_STATE_DIR) keeps every address with first/last seen
times and the cursor, saved after every page: an interrupted sync resumes where it stopped.
A full download runs every sync.fullResync (7d), with --full, or when there is no state.
Without a key and without sources it refuses (exit 2); the bundled demo list is published only
when a source asks for it: sources: [{ name: sample, sample: true }].
Exit codes: 0 ok, 2 config, 3 APIBAN (403 key, 429, server), 4 state (locked), 5 guard.`,
    )
    .action(async (options: SyncCommandOptions, command: Command) => {
      const ctx = await commandContext(command, { startup: 'sync' });
      const { requireListSource } = await import('../sync/keyless.js');
      requireListSource(ctx.loaded.config);
      // SIGTERM/SIGINT stop the download between requests: the cursor reached is saved (after
      // every page), the lock released, and the exit code is 130 like any interrupted command.
      const stop = new AbortController();
      const onSignal = () => stop.abort();
      process.on('SIGTERM', onSignal).on('SIGINT', onSignal);
      let report: SyncReport;
      try {
        const { createSyncService } = await import('../sync/service.js');
        const progress = await progressFor(ctx);
        const service = await createSyncService(ctx.loaded, ctx.log, { onProgress: progress.onProgress });
        try {
          report = await service.sync({ full: options.full, allowEmpty: options.allowEmpty, force: options.force, signal: stop.signal });
        } finally {
          progress.finish();
          await service.close();
        }
      } finally {
        process.off('SIGTERM', onSignal).off('SIGINT', onSignal);
      }
      if (ctx.json) ctx.printJson(reportJson(report));
      else ctx.print(summarize(report));
      if (!report.ok) process.exitCode = EXIT_CODES[report.errorKind ?? 'internal'];
    });
}

/**
 * On a terminal, pages and waits on the status line, the wait counted down. Elsewhere (a pipe,
 * systemd, --json) each wait is one log line, written once: the output stays plain lines.
 */
async function progressFor(ctx: CommandContext): Promise<{ onProgress(event: SyncProgress): void; finish(): void }> {
  const { ProgressRenderer, describeWait } = await import('../sync/progress.js');
  if (ctx.statusLine !== undefined) return new ProgressRenderer(ctx.statusLine);
  const log = ctx.log.child({ component: 'sync' });
  return {
    onProgress: (event) => {
      if (event.kind === 'wait') log.info({ waitMs: event.ms, reason: event.reason }, describeWait(event));
    },
    finish: () => undefined,
  };
}

/** The report without the set itself (that is what `export` is for). */
export function reportJson(report: SyncReport): unknown {
  const { published, ...rest } = report;
  return {
    ...rest,
    published: published && {
      source: published.source,
      syncedAt: published.syncedAt.toISOString(),
      cursor: published.cursor,
      counts: published.bans.counts(),
      report: published.report,
    },
  };
}

export function summarize(report: SyncReport): string {
  const seconds = (report.durationMs / 1000).toFixed(1);
  if (report.published?.source === 'sample' && report.ok) {
    return `sync ok: no APIBAN key configured, publishing the bundled sample list as the sources ask (documentation addresses only): ${report.size} entries in ${seconds}s`;
  }
  if (report.published?.source === 'local' && report.ok)
    return `sync ok: no APIBAN key configured, publishing the local sources only: ${report.size} entries in ${seconds}s`;
  const work =
    `${report.full ? 'full' : 'incremental'}, ${report.pages} page(s) in ${report.requests} request(s), ${report.received} received` +
    `, ${report.added} added, ${report.expired} expired${report.invalid ? `, ${report.invalid} invalid dropped` : ''}`;
  const failedSources = (report.sources ?? []).filter((s) => !s.ok).map((s) => s.name);
  const sources = failedSources.length ? `; source(s) failing, last good copy used: ${failedSources.join(', ')}` : '';
  if (report.ok)
    return `sync ok: ${work}; ${report.size} entries published${report.changed ? ' (changed)' : ' (unchanged)'} in ${seconds}s${sources}`;
  return `sync failed: ${report.error}\n  ${work}; still publishing the last good set of ${report.size} entries`;
}
