/**
 * The safety policy between raw candidates and a publishable BanSet: strict parsing, minimum
 * prefix length, protected special-purpose ranges and the user's allowlist. Every entry that is
 * dropped is counted so `sync`, `export` and `/healthz` can say why the list is shorter.
 */
import { parsePrefix, type Prefix } from './address.js';
import { BanSet } from './banset.js';
import type { Candidates, RejectedEntry } from './candidates.js';

export { Candidates, parseEntries, parseListText, type RejectedEntry } from './candidates.js';

/**
 * Never banned unless `protectSpecialRanges` is off: private, loopback, link-local, CGNAT,
 * multicast, reserved and IPv4-mapped space. A feed entry there is a mistake or an attack on the
 * operator's own network. Documentation ranges are left out on purpose: samples and tests use them.
 */
export const PROTECTED_RANGES: readonly string[] = [
  '0.0.0.0/8', '10.0.0.0/8', '100.64.0.0/10', '127.0.0.0/8', '169.254.0.0/16', '172.16.0.0/12',
  '192.168.0.0/16', '224.0.0.0/4', '240.0.0.0/4',
  '::/128', '::1/128', '::ffff:0:0/96', 'fe80::/10', 'fc00::/7', 'ff00::/8',
];
const PROTECTED_PREFIXES: readonly Prefix[] = PROTECTED_RANGES.map(parsePrefix);

export interface BanPolicy {
  /** Addresses and networks that are never blocked, whatever the sources say. */
  allowlist: readonly Prefix[];
  protectSpecialRanges: boolean;
  /** Shortest prefix accepted per family; a wider entry is refused (e.g. `0.0.0.0/0`). */
  minPrefixLength: { v4: number; v6: number };
  aggregate: boolean;
}

export const DEFAULT_POLICY: BanPolicy = {
  allowlist: [],
  protectSpecialRanges: true,
  minPrefixLength: { v4: 16, v6: 32 },
  aggregate: false,
};

export interface PolicyReport {
  candidates: number;
  /** Entries that are not strict addresses; a few kept as examples. */
  invalid: number;
  invalidSamples: RejectedEntry[];
  tooWide: number;
  /** Bans removed or split because they touched a protected range or the allowlist. */
  protectedHits: number;
  allowlistHits: number;
  published: number;
}

/** Applies the policy to parsed candidates and returns the publishable set with its report. */
export function applyPolicy(candidates: Candidates, policy: BanPolicy): { bans: BanSet; report: PolicyReport } {
  const { v4Keys, v6 } = candidates;
  let tooWide = v6.filter((p) => p.length < policy.minPrefixLength.v6).length;
  for (let i = 0; i < v4Keys.length; i++) if (v4Keys[i] % 64 < policy.minPrefixLength.v4) tooWide++;
  let bans = BanSet.fromPacked(v4Keys, v6, policy.minPrefixLength);
  let protectedHits = 0;
  if (policy.protectSpecialRanges) ({ bans, hits: protectedHits } = bans.subtractCounting(PROTECTED_PREFIXES));
  const allowed = bans.subtractCounting(policy.allowlist);
  bans = policy.aggregate ? allowed.bans.aggregate() : allowed.bans;
  return {
    bans,
    report: {
      candidates: candidates.accepted + candidates.invalid,
      invalid: candidates.invalid,
      invalidSamples: candidates.invalidSamples,
      tooWide,
      protectedHits,
      allowlistHits: allowed.hits,
      published: bans.size,
    },
  };
}

