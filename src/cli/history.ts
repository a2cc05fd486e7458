/**
 * `history [--since 7d]`: each sync with its time, kind (incremental, full, sample), outcome and
 * the addresses it added and removed, from the history the sync keeps in the state directory;
 * then, where serve takes edge bans, each client's: live, last ban, begun and ended in the time
 * (from the edge journal: the sync history records the synced set, never the edge bans).
 */
import type { Command } from 'commander';
import { parseDuration } from '../duration.js';
import { ConfigError } from '../errors.js';
import type { EdgeClientHistory } from '../ingest/explain.js';
import type { HistoryEvent } from '../sync/history/event.js';
import { edgeBanText } from './check-text.js';
import { commandContext } from './context.js';

/** Text output lists this many addresses per sync; --json has all the history kept. */
const SHOWN_PER_EVENT = 20;

export function register(program: Command): void {
  program
    .command('history')
    .description('each sync: time, kind, outcome, addresses added and removed (kept for sync.history); edge bans per client')
    .option('--since <duration>', 'only syncs of the last DURATION (e.g. 7d, 12h)', '7d')
    .action(async (options: { since: string }, command: Command) => {
      const ctx = await commandContext(command);
      const sinceMs = Date.now() - sinceDuration(options.since);
      const { loadHistory } = await import('../sync/history/query.js');
      const events = await loadHistory(ctx.loaded.stateDir, sinceMs);
      const { edgeHistory } = await import('../ingest/explain.js');
      const edge = await edgeHistory(ctx.loaded, sinceMs, Date.now());
      const since = new Date(sinceMs).toISOString();
      if (ctx.json) ctx.printJson({ since, events, ...(edge === undefined ? {} : { edge }) });
      else {
        const syncs = events.length === 0 ? [`no sync recorded since ${since}`] : events.map(describeEvent);
        ctx.print([...syncs, ...(edge === undefined ? [] : describeEdgeHistory(edge, since))].join('\n'));
      }
    });
}

function sinceDuration(text: string): number {
  const ms = parseDuration(text);
  if (ms === undefined) throw new ConfigError('--since', [`${JSON.stringify(text)} is not a duration (use e.g. 7d, 12h, 30m)`]);
  return ms;
}

export function describeEvent(event: HistoryEvent): string {
  const outcome = event.ok ? 'ok' : `failed: ${event.error ?? 'unknown error'}`;
  const lines = [
    `${event.at}  ${event.kind.padEnd(11)}  ${outcome}  +${event.addedCount} -${event.removedCount}  (${event.size} entries: ${event.v4} v4, ${event.v6} v6)`,
  ];
  lines.push(...listed('+', event.added, event.addedCount));
  for (const [reason, entries] of Object.entries(event.removed)) lines.push(...listed(`- ${reason}`, entries, entries.length));
  return lines.join('\n');
}

/** "edge bans (edge-bans.jsonl):", then per client its counts and its bans (SHOWN_PER_EVENT of them). */
function describeEdgeHistory(clients: readonly EdgeClientHistory[], since: string): string[] {
  const lines = ['edge bans (edge-bans.jsonl):'];
  for (const c of clients) {
    const last = c.lastBan === null ? 'no ban yet' : `last ban ${c.lastBan.ban} ${new Date(c.lastBan.at).toISOString()}`;
    const { expired, removed, flushed } = c.ended;
    lines.push(
      `  ${c.client}: ${c.live} live, ${last}; since ${since}: ${c.banned} banned, ${expired} expired, ${removed} removed, ${flushed} flushed`,
    );
    lines.push(...c.bans.slice(0, SHOWN_PER_EVENT).map((l) => `    ${l.ban}: ${edgeBanText(l)}`));
    if (c.bans.length > SHOWN_PER_EVENT) lines.push(`    ... and ${c.bans.length - SHOWN_PER_EVENT} more (--json lists them)`);
  }
  return lines;
}

function listed(mark: string, entries: readonly string[], total: number): string[] {
  if (entries.length === 0) return [];
  const shown = entries.slice(0, SHOWN_PER_EVENT).join(' ');
  const more = total > SHOWN_PER_EVENT ? ` ... and ${total - SHOWN_PER_EVENT} more (--json lists them)` : '';
  return [`    ${mark} ${shown}${more}`];
}
