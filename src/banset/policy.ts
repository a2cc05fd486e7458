/**
 * The safety policy between raw candidates and a publishable BanSet: strict parsing, minimum
 * prefix length, protected special-purpose ranges and the user's allowlist. Every entry that is
 * dropped is counted so `sync`, `export` and `/healthz` can say why the list is shorter.
 */
import { parsePrefix, tryParsePrefix, type Prefix } from './address.js';
import { createBanSet, type BanSet } from './banset.js';
import { diffBanSets } from './diff.js';

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

export interface RejectedEntry { entry: string; reason: string; source: string }

export interface PolicyReport {
  candidates: number;
  /** Entries that are not strict addresses; at most `SAMPLE_LIMIT` kept as examples. */
  invalid: number;
  invalidSamples: RejectedEntry[];
  tooWide: number;
  /** Bans removed or split because they touched a protected range or the allowlist. */
  protectedHits: number;
  allowlistHits: number;
  published: number;
}

const SAMPLE_LIMIT = 20;

export interface ParsedEntries { prefixes: Prefix[]; invalid: number; invalidSamples: RejectedEntry[] }

/** Strictly parses raw entries from one source; bad ones are counted, sampled and dropped. */
export function parseEntries(entries: Iterable<string>, source: string, into?: ParsedEntries): ParsedEntries {
  const result = into ?? { prefixes: [], invalid: 0, invalidSamples: [] };
  for (const entry of entries) {
    const parsed = tryParsePrefix(entry);
    if (typeof parsed !== 'string') { result.prefixes.push(parsed); continue; }
    result.invalid++;
    if (result.invalidSamples.length < SAMPLE_LIMIT) result.invalidSamples.push({ entry, reason: parsed, source });
  }
  return result;
}

/** Applies the policy to parsed candidates and returns the publishable set with its report. */
export function applyPolicy(parsed: ParsedEntries, policy: BanPolicy): { bans: BanSet; report: PolicyReport } {
  const wideEnough = parsed.prefixes.filter((p) => p.length >= (p.family === 4 ? policy.minPrefixLength.v4 : policy.minPrefixLength.v6));
  let bans = createBanSet(wideEnough);
  let protectedHits = 0;
  if (policy.protectSpecialRanges) {
    const safe = bans.subtract(PROTECTED_PREFIXES);
    protectedHits = diffBanSets(bans, safe).removed.length;
    bans = safe;
  }
  const allowed = bans.subtract(policy.allowlist);
  const allowlistHits = diffBanSets(bans, allowed).removed.length;
  bans = policy.aggregate ? allowed.aggregate() : allowed;
  return {
    bans,
    report: {
      candidates: parsed.prefixes.length + parsed.invalid,
      invalid: parsed.invalid,
      invalidSamples: parsed.invalidSamples,
      tooWide: parsed.prefixes.length - wideEnough.length,
      protectedHits,
      allowlistHits,
      published: bans.size,
    },
  };
}

/** One line for logs: what was dropped and why. */
export function describeReport(report: PolicyReport): string {
  const parts = [`${report.published} published from ${report.candidates} candidates`];
  if (report.invalid) parts.push(`${report.invalid} invalid (e.g. ${report.invalidSamples.slice(0, 3).map((s) => `${JSON.stringify(s.entry.slice(0, 40))} from ${s.source}: ${s.reason}`).join('; ')})`);
  if (report.tooWide) parts.push(`${report.tooWide} wider than the minimum prefix length`);
  if (report.protectedHits) parts.push(`${report.protectedHits} in protected ranges`);
  if (report.allowlistHits) parts.push(`${report.allowlistHits} touching the allowlist`);
  return parts.join(', ');
}

