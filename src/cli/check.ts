/**
 * `check <ip>`: is an address in the local published set, since when, and who listed it; when a
 * key is configured, also what APIBAN's own check endpoint says (one request, no waiting on 429).
 */
import type { Command } from 'commander';
import { parsePrefix, isHost } from '../banset/address.js';
import type { LoadedConfig } from '../config/load.js';
import { budgetWaitMs, type Budget } from '../apiban/pacer.js';
import { ApibanError } from '../errors.js';
import type { AddressExplanation } from '../sync/explain.js';
import type { AddressHistoryEntry } from '../sync/history-query.js';
import { commandContext } from './context.js';

type RemoteAnswer = { listed: boolean; id?: string } | { error: string };

export function register(program: Command): void {
  program
    .command('check')
    .argument('<ip>', 'an IPv4/IPv6 address or CIDR')
    .description('is this address in the local published set (since when, listed by whom) and, with a key, on APIBAN')
    .option('--no-remote', 'do not ask APIBAN even when a key is configured')
    .action(async (ip: string, options: { remote: boolean }, command: Command) => {
      const ctx = await commandContext(command);
      const { explainAddress } = await import('../sync/explain.js');
      const local = await explainAddress(ctx.loaded, ctx.log, ip);
      const history = await addressHistoryOf(ctx.loaded.stateDir, ip);
      const remote = options.remote ? await askApiban(ctx.loaded, ip) : undefined;
      if (ctx.json) ctx.printJson({ ...local, history: history.entries, apiban: remote });
      else ctx.print([describeLocal(local), ...history.lines, ...(remote ? [describeRemote(remote)] : [])].join('\n'));
      if (remote && 'error' in remote) process.exitCode = 3;
    });
}

/** The address's changes in the sync history, and their text lines (loaded on use, like the sync engine). */
async function addressHistoryOf(stateDir: string, ip: string): Promise<{ entries: AddressHistoryEntry[]; lines: string[] }> {
  const { addressHistory, describeAddressChange, loadHistory } = await import('../sync/history-query.js');
  const entries = addressHistory(await loadHistory(stateDir), parsePrefix(ip));
  if (entries.length === 0) return { entries, lines: ['  history: no change recorded (kept for sync.history)'] };
  return { entries, lines: ['  history:', ...entries.map((entry) => `    ${describeAddressChange(entry)}`)] };
}

async function askApiban(loaded: LoadedConfig, ip: string): Promise<RemoteAnswer | undefined> {
  const { apiban } = loaded.config;
  if (apiban.key === undefined || !isHost(parsePrefix(ip))) return undefined;
  const { createApibanClient } = await import('../apiban/client.js');
  const { clientSettings } = await import('../apiban/client-settings.js');
  const settings = clientSettings(apiban, apiban.key);
  // Not through the request journal: check reads without the state lock (serve may hold it), and
  // a second writer would overwrite serve's journal. It reads what sync or serve spent, asks only
  // when the window has room, makes one request and never waits.
  const spent = await spentBudget(loaded.stateDir, settings.budget, Date.now());
  if (spent !== undefined) return { error: spent };
  const client = createApibanClient({ ...settings, retry: { attempts: 2, rateLimitWaits: 0 } });
  try {
    return await client.check(ip);
  } catch (error) {
    if (error instanceof ApibanError) return { error: error.message };
    throw error;
  } finally {
    await client.close();
  }
}

/** Why not to ask now, when sync or serve used the whole budget window; undefined when there is room. */
async function spentBudget(stateDir: string, budget: Budget, now: number): Promise<string | undefined> {
  const { readRequestLog } = await import('../sync/store.js');
  const recent = (await readRequestLog(stateDir)).filter((t) => t > now - budget.windowMs).sort((a, b) => a - b);
  const waitMs = budgetWaitMs(recent, budget, now);
  if (waitMs <= 0) return undefined;
  const seconds = Math.ceil(waitMs / 1000);
  return `not asked: sync or serve used all ${budget.requests} requests of the APIBAN budget in the last ${budget.windowMs / 1000} s; try again in ${seconds} s (or use --no-remote)`;
}

function describeLocal(local: AddressExplanation): string {
  const lines = [
    local.listed
      ? `${local.query}: listed (published as ${local.publishedAs})`
      : `${local.query}: not listed${local.excluded ? `: ${local.excluded}` : ''}`,
  ];
  for (const lister of local.listedBy) {
    if (lister.source === 'apiban') lines.push(`  APIBAN ${lister.entry}: first seen ${lister.firstSeen}, last seen ${lister.lastSeen}`);
    else lines.push(`  ${lister.source === 'sample' ? 'bundled sample list' : `local source ${lister.name}`}: ${lister.entry}`);
  }
  const from = { sample: 'the bundled sample (no APIBAN key)', local: 'the local sources (no APIBAN key)', apiban: 'APIBAN' }[
    local.set.source
  ];
  lines.push(`  published set: ${local.set.size} entries from ${from}, synced ${local.set.syncedAt}`);
  return lines.join('\n');
}

function describeRemote(remote: RemoteAnswer): string {
  if ('error' in remote) return `APIBAN check failed: ${remote.error}`;
  return remote.listed ? `APIBAN check: listed (ID ${remote.id})` : 'APIBAN check: not listed';
}
