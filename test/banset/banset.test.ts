import { expect } from 'chai';
import { formatPrefix, parsePrefix } from '../../src/banset/address.js';
import { createBanSet, type BanSet } from '../../src/banset/banset.js';
import { diffBanSets } from '../../src/banset/diff.js';
import { applyPolicy, DEFAULT_POLICY, parseEntries } from '../../src/banset/policy.js';

const set = (...entries: string[]) => createBanSet(entries.map(parsePrefix));
const text = (bans: BanSet) => bans.toArray().map((p) => formatPrefix(p));

describe('banset/banset', () => {
  it('sorts numerically, v4 before v6, and drops duplicates and covered prefixes', () => {
    const bans = set('2001:db8::1', '198.51.100.7', '9.9.9.9', '198.51.100.0/24', '192.0.2.1', '192.0.2.1', '2001:db8::/64');
    expect(text(bans)).to.deep.equal(['9.9.9.9', '192.0.2.1', '198.51.100.0/24', '2001:db8::/64']);
    expect(bans.counts()).to.deep.equal({ v4: 3, v6: 1, total: 4 });
  });

  it('aggregates into the minimal CIDR list', () => {
    expect(text(set('192.0.2.0', '192.0.2.1', '192.0.2.2', '192.0.2.3', '192.0.2.4').aggregate())).to.deep.equal([
      '192.0.2.0/30',
      '192.0.2.4',
    ]);
    expect(text(set('192.0.2.0/25', '192.0.2.128/25', '2001:db8::', '2001:db8::1').aggregate())).to.deep.equal([
      '192.0.2.0/24',
      '2001:db8::/127',
    ]);
    expect(text(set('192.0.2.1', '192.0.2.2').aggregate())).to.deep.equal(['192.0.2.1', '192.0.2.2']);
  });

  it('splits a covering ban around allowlisted addresses', () => {
    const bans = set('192.0.2.0/30', '198.51.100.5').subtract([parsePrefix('192.0.2.1'), parsePrefix('198.51.100.5')]);
    expect(text(bans)).to.deep.equal(['192.0.2.0', '192.0.2.2/31']);
    expect(text(set('2001:db8::/127').subtract([parsePrefix('2001:db8::')]))).to.deep.equal(['2001:db8::1']);
  });

  it('finds the covering ban', () => {
    const bans = set('192.0.2.0/24', '2001:db8::/48');
    expect(bans.covering(parsePrefix('192.0.2.77'))).to.deep.equal(parsePrefix('192.0.2.0/24'));
    expect(bans.covering(parsePrefix('192.0.3.1'))).to.equal(undefined);
    expect(bans.covering(parsePrefix('2001:db8::5'))).to.deep.equal(parsePrefix('2001:db8::/48'));
  });

  it('diffs exact prefixes', () => {
    const diff = diffBanSets(set('192.0.2.1', '192.0.2.2', '2001:db8::1'), set('192.0.2.2', '192.0.2.3'));
    expect(diff.added.map((p) => formatPrefix(p))).to.deep.equal(['192.0.2.3']);
    expect(diff.removed.map((p) => formatPrefix(p))).to.deep.equal(['192.0.2.1', '2001:db8::1']);
  });
});

describe('banset/policy', () => {
  it('drops invalid, too wide, protected and allowlisted entries and says so', () => {
    const parsed = parseEntries(['192.0.2.1', '10.1.2.3', 'no new bans', '0.0.0.0/0', '198.51.100.9', '192.168.0.0/15', 'fe80::1'], 'test');
    const { bans, report } = applyPolicy(parsed, { ...DEFAULT_POLICY, allowlist: [parsePrefix('198.51.100.9')] });
    expect(text(bans)).to.deep.equal(['192.0.2.1']);
    expect(report).to.include({ candidates: 7, invalid: 1, tooWide: 2, protectedHits: 2, allowlistHits: 1, published: 1 });
    expect(report.invalidSamples[0]).to.deep.include({ entry: 'no new bans', source: 'test' });
  });

  it('splits a ban that covers a protected range', () => {
    const policy = { ...DEFAULT_POLICY, minPrefixLength: { v4: 8, v6: 32 } };
    const { bans, report } = applyPolicy(parseEntries(['192.168.0.0/15'], 't'), policy);
    expect(text(bans)).to.deep.equal(['192.169.0.0/16']);
    expect(report.protectedHits).to.equal(1);
  });

  it('protects the IPv6 forms that embed a protected IPv4 address (NAT64, 6to4, IPv4-compatible, IPv4-mapped)', () => {
    const embedded = ['64:ff9b::a00:1', '2002:a00:1::', '2002:c0a8:101::/48', '::a00:1', '::ffff:a00:1', '64:ff9b::7f00:1'];
    const elsewhere = ['64:ff9b::c000:201', '2002:c000:201::', '2001:db8::1'];
    const { bans, report } = applyPolicy(parseEntries([...embedded, ...elsewhere], 't'), DEFAULT_POLICY);
    expect(text(bans)).to.deep.equal(['64:ff9b::c000:201', '2001:db8::1', '2002:c000:201::']);
    expect(report.protectedHits).to.equal(embedded.length);
  });

  it('splits an IPv6 ban that covers the embedded form of a protected or allowlisted IPv4 network', () => {
    // 2002:a00::/40 is 6to4 for 10.0.0.0/24 (inside 10/8): all of it protected; 64:ff9b::c633:6400/120 embeds 198.51.100.0/24
    const policy = { ...DEFAULT_POLICY, allowlist: [parsePrefix('198.51.100.0/25')] };
    const { bans, report } = applyPolicy(parseEntries(['2002:a00::/40', '64:ff9b::c633:6400/120'], 't'), policy);
    expect(text(bans)).to.deep.equal(['64:ff9b::c633:6480/121']);
    expect(report).to.include({ protectedHits: 1, allowlistHits: 1 });
  });

  it('applies the allowlist to embedded forms even when special-range protection is off', () => {
    const policy = { ...DEFAULT_POLICY, protectSpecialRanges: false, allowlist: [parsePrefix('192.0.2.7')] };
    const { bans } = applyPolicy(
      parseEntries(['64:ff9b::c000:207', '2002:c000:207::/48', '::c000:207', '::ffff:c000:207', '::a00:1'], 't'),
      policy,
    );
    expect(text(bans)).to.deep.equal(['::a00:1']);
  });

  it('keeps special ranges when protection is off', () => {
    const { bans } = applyPolicy(parseEntries(['10.1.2.3'], 't'), { ...DEFAULT_POLICY, protectSpecialRanges: false });
    expect(text(bans)).to.deep.equal(['10.1.2.3']);
  });
});

describe('banset/createExactBanSet', () => {
  it('keeps covered entries a device holds so a diff removes them', async () => {
    const { createExactBanSet } = await import('../../src/banset/banset.js');
    const device = createExactBanSet(['10.0.0.0/8', '10.1.1.1', '10.1.1.1', '2001:db8::/32', '2001:db8::1'].map(parsePrefix));
    expect(text(device)).to.deep.equal(['10.0.0.0/8', '10.1.1.1', '2001:db8::/32', '2001:db8::1']);
    const diff = diffBanSets(device, set('10.0.0.0/8', '2001:db8::/32'));
    expect(diff.removed.map((p) => formatPrefix(p))).to.deep.equal(['10.1.1.1', '2001:db8::1']);
    expect(diff.added).to.deep.equal([]);
  });
});
