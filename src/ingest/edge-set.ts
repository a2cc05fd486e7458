/**
 * Edge bans into the set serve publishes: the sync service's set plus every live edge ban, each
 * client's parsed as source `edge:<client>`, through the policy once more (a reload may have added
 * to the allowlist since a ban was accepted). The service wrapper is the seam: the runtime
 * publishes what `current()` and `sync()` return, so edge bans ride every rebuild, and bans whose
 * time is up are gone from the next one.
 */
import { applyPolicy, Candidates, parseEntries, type BanPolicy } from '../banset/policy.js';
import type { SyncService } from '../sync/service.js';
import type { PublishedSet } from '../sync/published-set.js';

export interface EdgeSource {
  /** Live bans as client -> canonical keys, at the time of the call. */
  liveByClient(): Map<string, string[]>;
  policy(): BanPolicy;
  /** Changes whenever the live bans may differ (a change, or the clock passing an expiry). */
  stamp(): number;
}

export function mergeEdgeBans(set: PublishedSet, live: Map<string, string[]>, policy: BanPolicy): PublishedSet {
  if (live.size === 0) return set;
  const candidates = new Candidates();
  for (const prefix of set.bans.prefixes()) candidates.add(prefix);
  for (const [client, keys] of live) parseEntries(keys, `edge:${client}`, candidates);
  const { bans } = applyPolicy(candidates, policy);
  return { ...set, bans, bansWithoutEdge: set.bans, report: { ...set.report, published: bans.size } };
}

/** The service the runtime runs: the same sync service, its sets carrying the edge bans. */
export function withEdgeBans(service: SyncService, edge: EdgeSource): SyncService {
  let memo: { base: PublishedSet; stamp: number; merged: PublishedSet } | undefined;
  const merged = (base: PublishedSet): PublishedSet => {
    const stamp = edge.stamp();
    if (memo?.base !== base || memo.stamp !== stamp)
      memo = { base, stamp, merged: mergeEdgeBans(base, edge.liveByClient(), edge.policy()) };
    return memo.merged;
  };
  return {
    async sync(options) {
      const result = await service.sync(options);
      return result.published === undefined ? result : { ...result, published: merged(result.published) };
    },
    current: () => {
      const base = service.current();
      return base === undefined ? undefined : merged(base);
    },
    close: () => service.close(),
  };
}
