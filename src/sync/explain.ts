/**
 * `check`'s answer: is an address (or network) in the local published set, which prefix covers
 * it or, for a network, how many of its addresses the set bans through which entries inside it;
 * who listed it (APIBAN with first/last seen, the sample, a local source), and when a source
 * lists it but it is not published, why (allowlist, protected range, too wide).
 */
import { formatPrefix, isHost, parsePrefix, type Prefix } from '../banset/address.js';
import { createBanSet } from '../banset/banset.js';
import { coverageOf, overlaps, type Coverage } from '../banset/coverage.js';
import { parseEntries, parseListText, PROTECTED_RANGES } from '../banset/policy.js';
import type { LoadedConfig } from '../config/load.js';
import type { Logger } from '../log.js';
import { computeAssembledSet } from './compute.js';
import { buildPolicy, unfilteredSet } from './publish.js';
import { readSample } from './sample.js';
import { loadSources } from './sources.js';
import type { PublishedSet, SetSource } from './published-set.js';
import type { SyncState } from './sync-state.js';

/** Entries inside a queried network: how many, and the first few. */
export interface EntriesInside {
  entries: number;
  examples: string[];
}

export interface AddressExplanation {
  query: string;
  /** Some address of the query is banned: `coverage` is covered or partly-covered. */
  listed: boolean;
  coverage: Coverage;
  /** Addresses in the query, and how many of them are banned (decimal strings past 2^53). */
  addresses: number | string;
  bannedAddresses: number | string;
  /** The published prefix that covers the query. */
  publishedAs?: string;
  /** Partly covered: the published entries inside the query. */
  publishedInside?: EntriesInside;
  set: { source: SetSource; size: number; syncedAt: string };
  /** Who lists it, whether or not it is published. */
  listedBy: Lister[];
  /** A network: the APIBAN entries inside it, the earliest first sighting and the latest last one. */
  apibanInside?: EntriesInside & { firstSeen: string; lastSeen: string };
  /** Why a listed address is not published. */
  excluded?: string;
}

export type Lister =
  | { source: 'apiban'; entry: string; firstSeen: string; lastSeen: string }
  | { source: 'sample' | 'local'; name: string; entry: string };

/**
 * `extend` adds the bans kept beside the sync (serve's edge ingest), so the answer is about the set
 * serve publishes; the caller says who listed those.
 */
export async function explainAddress(
  loaded: LoadedConfig,
  log: Logger,
  input: string,
  extend: (set: PublishedSet) => PublishedSet = (set) => set,
): Promise<AddressExplanation> {
  const query = parsePrefix(input);
  const { assembled, state } = await computeAssembledSet(loaded, log, { unguarded: true });
  const published = extend(assembled.published);
  const answer = coverageOf(published.bans, query);
  const explanation: AddressExplanation = {
    query: formatPrefix(query),
    listed: answer.coverage !== 'not-listed',
    coverage: answer.coverage,
    addresses: jsonCount(answer.addresses),
    bannedAddresses: jsonCount(answer.banned),
    set: { source: published.source, size: published.bans.size, syncedAt: published.syncedAt.toISOString() },
    listedBy: await findListers(loaded, log, query, published.source, state),
  };
  if (answer.coveredBy !== undefined) explanation.publishedAs = formatPrefix(answer.coveredBy);
  if (answer.inside.length > 0) explanation.publishedInside = entriesInside(answer.inside.map((p) => formatPrefix(p)));
  const apibanInside = isHost(query) || published.source !== 'apiban' ? undefined : sightingsInside(state, query);
  if (apibanInside !== undefined) explanation.apibanInside = apibanInside;
  if (answer.coverage === 'not-listed' && explanation.listedBy.length > 0) explanation.excluded = await whyExcluded(loaded, query);
  return explanation;
}

const EXAMPLES = 3;

function entriesInside(entries: string[]): EntriesInside {
  return { entries: entries.length, examples: entries.slice(0, EXAMPLES) };
}

/** A count as JSON can carry it exactly: a number up to 2^53, else its decimal string. */
function jsonCount(count: bigint): number | string {
  return count <= BigInt(Number.MAX_SAFE_INTEGER) ? Number(count) : count.toString();
}

/** The APIBAN entries inside a network (the state's sightings), summed up; undefined when there are none. */
function sightingsInside(state: SyncState | undefined, query: Prefix): AddressExplanation['apibanInside'] {
  const inside = [...(state?.entries ?? [])].filter(([entry]) => overlaps(parsePrefix(entry), query));
  if (inside.length === 0) return undefined;
  // A loop, not Math.min(...): a /8 may hold a million entries, past the argument limit.
  let firstSeen = Infinity;
  let lastSeen = -Infinity;
  for (const [, seen] of inside) {
    firstSeen = Math.min(firstSeen, seen.firstSeen);
    lastSeen = Math.max(lastSeen, seen.lastSeen);
  }
  return {
    ...entriesInside(inside.map(([entry]) => entry)),
    firstSeen: new Date(firstSeen).toISOString(),
    lastSeen: new Date(lastSeen).toISOString(),
  };
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
  } else if (source === 'sample' && loaded.config.sources.length === 0) {
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
