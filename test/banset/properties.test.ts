/**
 * Property tests for the address and set algebra. Coverage is checked against a brute-force model:
 * prefixes are drawn inside a small window of the address space, so "which addresses are covered"
 * can be enumerated exactly.
 */
import { expect } from 'chai';
import fc from 'fast-check';
import { formatPrefix, parsePrefix, prefixRange4, type Prefix, type Prefix4 } from '../../src/banset/address.js';
import { createBanSet, type BanSet } from '../../src/banset/banset.js';
import { diffBanSets } from '../../src/banset/diff.js';

const BASE = 0xc0000200; // 192.0.2.0: a /24 window, 256 addresses to enumerate
const prefix4 = fc
  .integer({ min: 24, max: 32 })
  .chain((length) =>
    fc
      .integer({ min: 0, max: 2 ** (length - 24) - 1 })
      .map((i): Prefix4 => ({ family: 4, network: BASE + i * 2 ** (32 - length), length })),
  );
const prefixes4 = fc.array(prefix4, { maxLength: 30 });

const anyV4 = fc
  .tuple(fc.integer({ min: 0, max: 32 }), fc.integer({ min: 0, max: 0xffffffff }))
  .map(([length, n]): Prefix => ({ family: 4, network: length === 0 ? 0 : n - (n % 2 ** (32 - length)), length }));
const anyV6 = fc
  .tuple(fc.integer({ min: 0, max: 128 }), fc.bigInt({ min: 0n, max: (1n << 128n) - 1n }))
  .map(([length, n]): Prefix => ({ family: 6, network: length === 128 ? n : (n >> BigInt(128 - length)) << BigInt(128 - length), length }));

function covered(prefixes: Iterable<Prefix>): Set<number> {
  const addresses = new Set<number>();
  for (const p of prefixes) {
    const [start, end] = prefixRange4(p as Prefix4);
    for (let a = start; a <= end; a++) addresses.add(a);
  }
  return addresses;
}

function sameCoverage(a: Iterable<Prefix>, b: Iterable<Prefix>): boolean {
  const x = covered(a);
  const y = covered(b);
  return x.size === y.size && [...x].every((v) => y.has(v));
}

const runs = { numRuns: 300 };

// The same model for IPv6: a /120 window inside 2001:db8::/32, addresses as offsets into it.
const BASE6 = 0x20010db8n << 96n;
const prefix6 = fc
  .integer({ min: 120, max: 128 })
  .chain((length) =>
    fc
      .integer({ min: 0, max: 2 ** (length - 120) - 1 })
      .map((i): Prefix => ({ family: 6, network: BASE6 + BigInt(i * 2 ** (128 - length)), length })),
  );
const prefixes6 = fc.array(prefix6, { maxLength: 20 });

function covered6(prefixes: Iterable<Prefix>): number[] {
  const addresses = new Set<number>();
  for (const p of prefixes) {
    const start = Number((p.network as bigint) - BASE6);
    for (let a = start; a < start + 2 ** (128 - p.length); a++) addresses.add(a);
  }
  return [...addresses].sort((a, b) => a - b);
}

describe('banset/properties', () => {
  it('format then parse is the identity for any prefix of either family', () => {
    fc.assert(
      fc.property(fc.oneof(anyV4, anyV6), fc.boolean(), (p, explicit) => {
        expect(parsePrefix(formatPrefix(p, explicit))).to.deep.equal(p);
      }),
      { numRuns: 2000 },
    );
  });

  it('createBanSet keeps coverage, is sorted and holds no prefix inside another', () => {
    fc.assert(
      fc.property(prefixes4, (input) => {
        const bans = createBanSet(input).toArray();
        expect(sameCoverage(bans, input)).to.equal(true);
        for (let i = 1; i < bans.length; i++)
          expect(prefixRange4(bans[i] as Prefix4)[0]).to.be.above(prefixRange4(bans[i - 1] as Prefix4)[1]);
      }),
      runs,
    );
  });

  it('aggregation keeps coverage and is minimal (no two results could merge)', () => {
    fc.assert(
      fc.property(prefixes4, (input) => {
        const aggregated = createBanSet(input).aggregate().toArray() as Prefix4[];
        expect(sameCoverage(aggregated, input)).to.equal(true);
        for (let i = 1; i < aggregated.length; i++) {
          const [a, b] = [aggregated[i - 1], aggregated[i]];
          const mergeable = a.length === b.length && prefixRange4(a)[1] + 1 === b.network && a.network % 2 ** (33 - a.length) === 0;
          expect(mergeable, `${formatPrefix(a)} + ${formatPrefix(b)}`).to.equal(false);
        }
        expect(createBanSet(aggregated).aggregate().equals(createBanSet(aggregated))).to.equal(true);
      }),
      runs,
    );
  });

  it('allowlist subtraction removes exactly the allowed addresses', () => {
    fc.assert(
      fc.property(prefixes4, prefixes4, (bans, allowed) => {
        const result = createBanSet(bans).subtract(allowed).toArray();
        const expected = new Set([...covered(bans)].filter((a) => !covered(allowed).has(a)));
        const actual = covered(result);
        expect([...actual].sort()).to.deep.equal([...expected].sort());
      }),
      runs,
    );
  });

  it('IPv6: aggregation and allowlist subtraction are exact', () => {
    fc.assert(
      fc.property(prefixes6, prefixes6, (bans, allowed) => {
        expect(covered6(createBanSet(bans).aggregate().toArray())).to.deep.equal(covered6(bans));
        const allowedSet = new Set(covered6(allowed));
        expect(covered6(createBanSet(bans).subtract(allowed).toArray())).to.deep.equal(covered6(bans).filter((a) => !allowedSet.has(a)));
      }),
      runs,
    );
  });

  it('diff applied to the old set gives the new set', () => {
    fc.assert(
      fc.property(prefixes4, prefixes4, (a, b) => {
        const before: BanSet = createBanSet(a);
        const after: BanSet = createBanSet(b);
        const { added, removed } = diffBanSets(before, after);
        const gone = new Set(removed.map((p) => formatPrefix(p)));
        const rebuilt = createBanSet([...before.toArray().filter((p) => !gone.has(formatPrefix(p))), ...added]);
        expect(rebuilt.equals(after)).to.equal(true);
        expect(diffBanSets(after, after)).to.deep.equal({ added: [], removed: [] });
      }),
      runs,
    );
  });
});
