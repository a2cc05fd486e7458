/**
 * `check`'s answer: is an address (or network) in the local published set, which prefix covers
 * it, who listed it (APIBAN with first/last seen, the sample, a local source), and when a source
 * lists it but it is not published, why (allowlist, protected range, too wide).
 */
import { formatPrefix, parsePrefix, type Prefix } from '../banset/address.js';
import { createBanSet } from '../banset/banset.js';
import { parseEntries, parseListText, PROTECTED_RANGES } from '../banset/policy.js';
import type { LoadedConfig } from '../config/load.js';
import type { Logger } from '../log.js';
import { computeAssembledSet } from './compute.js';
import { buildPolicy, unfilteredSet } from './publish.js';
import { readSample } from './sample.js';
import { loadSources } from './sources.js';
import type { SetSource } from './published-set.js';
import type { SyncState } from './sync-state.js';

export interface AddressExplanation {
  query: string;
  listed: boolean;
  /** The published prefix that covers the query. */
  publishedAs?: string;
  set: { source: SetSource; size: number; syncedAt: string };
  /** Who lists it, whether or not it is published. */
  listedBy: Lister[];
  /** Why a listed address is not published. */
  excluded?: string;
}

export type Lister =
  | { source: 'apiban'; entry: string; firstSeen: string; lastSeen: string }
  | { source: 'sample' | 'local'; name: string; entry: string };

export async function explainAddress(loaded: LoadedConfig, log: Logger, input: string): Promise<AddressExplanation> {
  const query = parsePrefix(input);
  const { assembled, state } = await computeAssembledSet(loaded, log, { unguarded: true });
  const { published } = assembled;
  const covering = published.bans.covering(query);
  const explanation: AddressExplanation = {
    query: formatPrefix(query),
    listed: covering !== undefined,
    set: { source: published.source, size: published.bans.size, syncedAt: published.syncedAt.toISOString() },
    listedBy: await findListers(loaded, log, query, published.source, state),
  };
  if (covering !== undefined) explanation.publishedAs = formatPrefix(covering);
  else if (explanation.listedBy.length > 0) explanation.excluded = await whyExcluded(loaded, query);
  return explanation;
}

async function findListers(
  loaded: LoadedConfig,
  log: Logger,
  query: Prefix,
  source: SetSource,
  state: SyncState | undefined,
): Promise<Lister[]> {
  const listers: Lister[] = [];
  if (source === 'apiban' && state !== undefined) {
    const hit = unfilteredSet(parseEntries(state.entries.keys(), 'apiban')).covering(query);
    const seen = hit && state.entries.get(formatPrefix(hit));
    if (hit && seen) {
      listers.push({
        source: 'apiban',
        entry: formatPrefix(hit),
        firstSeen: new Date(seen.firstSeen).toISOString(),
        lastSeen: new Date(seen.lastSeen).toISOString(),
      });
    }
  } else if (source === 'sample') {
    const hit = unfilteredSet(parseListText((await readSample()).text, 'sample')).covering(query);
    if (hit) listers.push({ source: 'sample', name: 'bundled sample', entry: formatPrefix(hit) });
  }
  const sources = await loadSources(loaded.config.sources, { stateDir: loaded.stateDir, log, timeoutMs: loaded.config.apiban.timeout });
  for (const source of sources) {
    const hit = unfilteredSet(parseListText(source.text, source.name)).covering(query);
    if (hit) listers.push({ source: 'local', name: source.name, entry: formatPrefix(hit) });
  }
  return listers;
}

async function whyExcluded(loaded: LoadedConfig, query: Prefix): Promise<string> {
  const policy = await buildPolicy(loaded.config.policy);
  const allowed = createBanSet(policy.allowlist).covering(query) ?? overlapping(policy.allowlist, query);
  if (allowed) return `allowlisted (${formatPrefix(allowed)})`;
  if (policy.protectSpecialRanges) {
    const protectedRanges = PROTECTED_RANGES.map((r) => parsePrefix(r));
    const range = createBanSet(protectedRanges).covering(query) ?? overlapping(protectedRanges, query);
    if (range) return `protected range (${formatPrefix(range)})`;
  }
  const minimum = query.family === 4 ? policy.minPrefixLength.v4 : policy.minPrefixLength.v6;
  if (query.length < minimum) return `wider than the minimum prefix length /${minimum}`;
  return 'expired or not yet synced into the published set';
}

/** An allowlist entry inside a listed network also keeps the network from being published whole. */
function overlapping(prefixes: readonly Prefix[], query: Prefix): Prefix | undefined {
  return prefixes.find((p) => p.family === query.family && createBanSet([query]).covering(p) !== undefined);
}
