/**
 * The safety policy between raw candidates and a publishable BanSet: strict parsing, minimum
 * prefix length, protected special-purpose ranges and the user's allowlist. Every entry that is
 * dropped is counted so `sync`, `export` and `/healthz` can say why the list is shorter.
 */
import { parsePrefix, type Prefix } from './address.js';
import { BanSet } from './banset.js';
import type { Candidates, RejectedEntry } from './candidates.js';

export { Candidates, parseEntries, type RejectedEntry } from './candidates.js';
export { parseListText } from './list-bytes.js';

/**
 * Never banned unless `protectSpecialRanges` is off: private, loopback, link-local, CGNAT,
 * multicast, reserved and IPv4-mapped space, and the IPv6 forms that embed a protected IPv4 address
 * (withEmbeddedIPv4). A feed entry there is a mistake or an attack on the
 * operator's own network. Documentation ranges are left out on purpose: samples and tests use them.
 */
export const PROTECTED_RANGES: readonly string[] = [
  '0.0.0.0/8',
  '10.0.0.0/8',
  '100.64.0.0/10',
  '127.0.0.0/8',
  '169.254.0.0/16',
  '172.16.0.0/12',
  '192.168.0.0/16',
  '224.0.0.0/4',
  '240.0.0.0/4',
  '::/128',
  '::1/128',
  '::ffff:0:0/96',
  'fe80::/10',
  'fc00::/7',
  'ff00::/8',
];

/**
 * The IPv6 prefixes under which an IPv4 address travels inside an IPv6 one, as [prefix, length].
 * A ban on `64:ff9b::a00:1` reaches 10.0.0.1 through a NAT64 gateway, so protecting 10.0.0.0/8
 * must also protect its embedded forms:
 * - NAT64 well-known prefix 64:ff9b::/96, address in the last 32 bits (RFC 6052 §2.1, §2.2);
 * - 6to4 2002::/16, address in bits 16-47 (RFC 3056 §2);
 * - IPv4-compatible ::/96 (deprecated, RFC 4291 §2.5.5.1) and IPv4-mapped ::ffff:0:0/96
 *   (RFC 4291 §2.5.5.2; the whole range is protected anyway, this covers the allowlist).
 * Network-specific NAT64 prefixes (RFC 6052 §2.2, 64:ff9b:1::/48 of RFC 8215) place the address
 * at an operator-chosen offset, so they cannot be derived here: allowlist them explicitly.
 */
const EMBEDDINGS: readonly { prefix: bigint; shift: bigint; length: number }[] = [
  { prefix: 0x0064ff9bn << 96n, shift: 0n, length: 96 },
  { prefix: 0x2002n << 112n, shift: 80n, length: 16 },
  { prefix: 0n, shift: 0n, length: 96 },
  { prefix: 0xffffn << 32n, shift: 0n, length: 96 },
];

/** The prefixes plus, for each IPv4 one, the IPv6 prefixes that embed exactly its addresses. */
export function withEmbeddedIPv4(prefixes: readonly Prefix[]): Prefix[] {
  const embedded: Prefix[] = [];
  for (const p of prefixes) {
    if (p.family !== 4) continue;
    for (const e of EMBEDDINGS) {
      embedded.push({ family: 6, network: e.prefix | (BigInt(p.network >>> 0) << e.shift), length: e.length + p.length });
    }
  }
  return [...prefixes, ...embedded];
}

const PROTECTED_PREFIXES: readonly Prefix[] = withEmbeddedIPv4(PROTECTED_RANGES.map(parsePrefix));

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
  const raw = candidates.raw;
  const tooWide = countShorter(raw.v4.lengths, policy.minPrefixLength.v4) + countShorter(raw.v6.lengths, policy.minPrefixLength.v6);
  let bans = BanSet.fromRaw(raw, policy.minPrefixLength);
  let protectedHits = 0;
  if (policy.protectSpecialRanges) ({ bans, hits: protectedHits } = bans.subtractCounting(PROTECTED_PREFIXES));
  const allowed = bans.subtractCounting(withEmbeddedIPv4(policy.allowlist));
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

function countShorter(lengths: Uint8Array, minimum: number): number {
  let count = 0;
  for (let i = 0; i < lengths.length; i++) if (lengths[i] < minimum) count++;
  return count;
}
