/**
 * `check <ip|cidr>`: is an address in the local published set, since when, and who listed it; a
 * network is covered, partly covered (how many of its addresses) or not listed. Edge bans count as
 * serve publishes them: the journal says which client banned it, when, and when that ends or how it
 * ended (serve need not run). When a key is
 * configured, an address is also put to APIBAN's own check endpoint (one request, no waiting on
 * 429). Exit codes as grep: 0 listed (covered or partly), 1 not listed, 2 not an address or
 * CIDR, 3 APIBAN could not be asked.
 */
import type { Command } from 'commander';
import { parsePrefix, isHost, tryParsePrefix, type Prefix } from '../banset/address.js';
import type { LoadedConfig } from '../config/load.js';
import { ConfigError } from '../errors.js';
import { addressHistory, loadHistory } from '../sync/history/query.js';
import { summarizeHistory, type AddressHistorySummary } from '../sync/history/summary.js';
import type { RemoteAnswer } from '../sync/remote-check.js';
import { describeEdge, describeHistory, describeLocal } from './check-text.js';
import { commandContext } from './context.js';

export function register(program: Command): void {
  program
    .command('check')
    .argument('<ip>', 'an IPv4/IPv6 address or CIDR')
    .description('is this address in the local published set (since when, listed by whom) and, with a key, on APIBAN')
    .option('--no-remote', 'do not ask APIBAN even when a key is configured')
    .addHelpText(
      'after',
      `
A network (CIDR) is covered, partly covered (how many of its addresses are banned) or not listed.
Exit codes, as grep: 0 listed (covered or partly), 1 not listed, 2 not an address or CIDR,
3 APIBAN could not be asked.`,
    )
    .action(async (ip: string, options: { remote: boolean }, command: Command) => {
      const query = parseQuery(ip);
      const ctx = await commandContext(command);
      const { explainAddress } = await import('../sync/explain.js');
      const { checkEdge } = await import('../ingest/explain.js');
      const edge = await checkEdge(ctx.loaded, query, Date.now());
      const local = await explainAddress(ctx.loaded, ctx.log, ip, edge.extend);
      const history = await historyOf(ctx.loaded.stateDir, query);
      const remote = options.remote ? await askApiban(ctx.loaded, ip) : undefined;
      if (ctx.json) ctx.printJson({ ...local, edge: edge.listings, history, apiban: remote });
      else {
        const remoteLines = remote ? [describeRemote(remote)] : [];
        ctx.print([...describeLocal(local), ...describeEdge(edge.listings), ...describeHistory(history), ...remoteLines].join('\n'));
      }
      process.exitCode = remote && 'error' in remote ? 3 : local.listed ? 0 : 1;
    });
}

/** The argument, checked before anything is read: not an address or CIDR is bad input (exit 2). */
function parseQuery(input: string): Prefix {
  const parsed = tryParsePrefix(input);
  if (typeof parsed === 'string') throw new ConfigError('command line', [`<ip> ${JSON.stringify(input.slice(0, 80))}: ${parsed}`]);
  return parsed;
}

/** The query's changes in the sync history, summed up. */
async function historyOf(stateDir: string, query: Prefix): Promise<AddressHistorySummary> {
  return summarizeHistory(addressHistory(await loadHistory(stateDir), query));
}

async function askApiban(loaded: LoadedConfig, ip: string): Promise<RemoteAnswer | undefined> {
  const { key } = loaded.config.apiban;
  if (key === undefined || !isHost(parsePrefix(ip))) return undefined;
  // Through the shared request journal, as every sync: serve counts this request.
  const { askApibanCheck } = await import('../sync/remote-check.js');
  return askApibanCheck(loaded, key, ip);
}

function describeRemote(remote: RemoteAnswer): string {
  if ('error' in remote) return `APIBAN check failed: ${remote.error}`;
  return remote.listed ? `APIBAN check: listed (ID ${remote.id})` : 'APIBAN check: not listed';
}
