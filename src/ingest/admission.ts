/**
 * Whether one edge ban may be stored: strictly parsed (src/banset/address.ts: no IPv4-mapped
 * dotted form, no zone id, no host bits) and passed whole by the same policy every other source
 * goes through (src/banset/policy.ts applyPolicy). A ban the policy would shrink or split (it
 * touches the allowlist or a protected range) is refused whole, naming the rule.
 */
import { formatPrefix, tryParsePrefix, type Prefix } from '../banset/address.js';
import { applyPolicy, Candidates, type BanPolicy } from '../banset/policy.js';

export type Admission = { ok: true; prefix: Prefix; key: string } | { ok: false; rule: 'invalid' | RefusalRule; message: string };
export type RefusalRule = 'minPrefixLength' | 'protectedRange' | 'allowlist';

export function admitBan(text: string, policy: BanPolicy): Admission {
  const prefix = tryParsePrefix(text);
  if (typeof prefix === 'string') return { ok: false, rule: 'invalid', message: `only valid ip addresses supported (${prefix})` };
  const key = formatPrefix(prefix);
  const candidates = new Candidates();
  candidates.add(prefix);
  const { report } = applyPolicy(candidates, { ...policy, aggregate: false });
  if (report.tooWide > 0) {
    const minimum = prefix.family === 4 ? policy.minPrefixLength.v4 : policy.minPrefixLength.v6;
    return refusal('minPrefixLength', `${key} is wider than policy.minPrefixLength.v${prefix.family} (/${minimum})`);
  }
  if (report.protectedHits > 0) return refusal('protectedRange', `${key} is in a protected range (policy.protectSpecialRanges)`);
  if (report.allowlistHits > 0) return refusal('allowlist', `${key} is on the allowlist (policy.allowlist)`);
  return { ok: true, prefix, key };
}

function refusal(rule: RefusalRule, message: string): Admission {
  return { ok: false, rule, message: `refused: ${message}` };
}
