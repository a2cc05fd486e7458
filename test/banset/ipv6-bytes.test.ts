/**
 * The byte-level IPv6 path (parseIPv6Bytes, the four-word columns, writeIPv6) against the strict
 * string parser and formatter it stands in for: it may leave a text to them, but it must never
 * accept a text they refuse, nor read or write an address differently.
 */
import { expect } from 'chai';
import fc from 'fast-check';
import { formatIPv6, formatPrefix, tryParsePrefix, type Prefix } from '../../src/banset/address.js';
import { createBanSet, createExactBanSet } from '../../src/banset/banset.js';
import { parseEntries } from '../../src/banset/candidates.js';
import { writeIPv6 } from '../../src/banset/column-text.js';
import { parseIPv6Bytes } from '../../src/banset/ipv6-bytes.js';
import { parseListText } from '../../src/banset/list-bytes.js';
import { fromBigInt128, toBigInt128 } from '../../src/banset/words128.js';
import { unfilteredSet } from '../../src/sync/publish.js';

/** Groups biased to zero, so "::" runs of every length and position come up. */
const group = fc.oneof(fc.constant(0), fc.constant(0), fc.integer({ min: 0, max: 0xffff }), fc.constant(0xffff));
const address = fc
  .array(group, { minLength: 8, maxLength: 8 })
  .map((groups) => groups.reduce((value, g) => (value << 16n) | BigInt(g), 0n));

/** Texts of every spelling a list may hold, valid or not. */
const spelling = fc
  .tuple(
    address,
    fc.record({
      upper: fc.boolean(),
      leadingZeros: fc.boolean(),
      expand: fc.boolean(),
      embedded: fc.boolean(),
      suffix: fc.constantFrom(
        '',
        '',
        '/0',
        '/1',
        '/64',
        '/127',
        '/128',
        '/129',
        '/01',
        '/00',
        '/',
        '/-1',
        '%eth0',
        '%1',
        ':',
        '::',
        ':1',
        'g',
      ),
    }),
  )
  .map(([value, style]) => {
    let text = formatIPv6(value);
    if (style.expand) text = [...Array(8).keys()].map((i) => ((value >> BigInt(112 - 16 * i)) & 0xffffn).toString(16)).join(':');
    if (style.leadingZeros)
      text = text.replace(/(^|:)([0-9a-f]{1,3})(?=:|$)/g, (_, sep: string, g: string) => `${sep}${g.padStart(4, '0')}`);
    if (style.embedded)
      text = text.replace(
        /[0-9a-f]+:[0-9a-f]+$/,
        () => `${Number((value >> 24n) & 255n)}.${Number((value >> 16n) & 255n)}.${Number((value >> 8n) & 255n)}.${Number(value & 255n)}`,
      );
    if (style.upper) text = text.toUpperCase();
    return text + style.suffix;
  });

const EDGE_CASES = [
  '::',
  '::/0',
  '::/128',
  '::1',
  '1::',
  '::ffff:192.0.2.1',
  '::FFFF:C000:201',
  '64:ff9b::192.0.2.1',
  'ffff:ffff:ffff:ffff:ffff:ffff:ffff:ffff',
  'FFFF:FFFF:FFFF:FFFF:FFFF:FFFF:FFFF:FFFF/128',
  '0000:0000:0000:0000:0000:0000:0000:0001',
  '2001:DB8::/32',
  '2001:0db8:0000::/48',
  '2001:db8::/31',
  'fe80::1%eth0',
  'fe80::%1',
  '1:2:3:4:5:6:7::',
  '::2:3:4:5:6:7:8',
  '1:2:3:4:5:6:7:8::',
  '1:2:3:4::5:6:7:8',
  '1::2::3',
  ':::',
  '1:::2',
  ':1::',
  '1:2:3:4:5:6:7',
  '1:2:3:4:5:6:7:8:9',
  '12345::',
  '2001:db8::/129',
  '2001:db8::/064',
  'ffff:ffff:ffff:ffff:ffff:ffff:255.255.255.255/128',
  'ffff:ffff:ffff:ffff:ffff:ffff:ffff:ffff:ffff/128',
];

/** What the strict string parser makes of `text`: an IPv6 prefix, or undefined. */
function reference(text: string): { network: bigint; length: number } | undefined {
  const parsed = tryParsePrefix(text);
  return typeof parsed === 'string' || parsed.family !== 6 ? undefined : { network: parsed.network, length: parsed.length };
}

function fastPath(text: string): { network: bigint; length: number } | undefined {
  const words = new Uint32Array(4);
  const length = parseIPv6Bytes(Buffer.from(text, 'latin1'), 0, text.length, words, 0);
  return length < 0 ? undefined : { network: toBigInt128(words, 0), length };
}

function checkAgrees(text: string): void {
  const fast = fastPath(text);
  if (fast !== undefined) expect(fast, text).to.deep.equal(reference(text));
  // Through a list file the verdict is the string parser's in every case.
  const listed = parseListText(`${text}\n`, 's');
  const entries = parseEntries([text], 's');
  expect(listed.raw, text).to.deep.equal(entries.raw);
  expect(listed.invalid, text).to.equal(entries.invalid);
}

describe('banset/ipv6-bytes', () => {
  it('reads the edge cases as the string parser does', () => {
    for (const text of EDGE_CASES) checkAgrees(text);
    expect(fastPath('::')).to.deep.equal({ network: 0n, length: 128 });
    expect(fastPath('FFFF:FFFF:FFFF:FFFF:FFFF:FFFF:FFFF:FFFF/128')).to.deep.equal({ network: (1n << 128n) - 1n, length: 128 });
    expect(fastPath('::/0')).to.deep.equal({ network: 0n, length: 0 });
    expect(fastPath('0000:0000:0000:0000:0000:0000:0000:0001')).to.deep.equal({ network: 1n, length: 128 });
    expect(fastPath('fe80::1%eth0')).to.equal(undefined);
    expect(reference('::ffff:192.0.2.1')).to.deep.equal({ network: 0xffffc0000201n, length: 128 });
  });

  it('never accepts what the string parser refuses, nor reads a value differently', () => {
    fc.assert(
      fc.property(spelling, (text) => checkAgrees(text)),
      { numRuns: 3000 },
    );
  });

  it('takes every canonical address and prefix itself (the fast path is the common path)', () => {
    fc.assert(
      fc.property(address, fc.integer({ min: 0, max: 128 }), (value, length) => {
        const network = length === 0 ? 0n : (value >> BigInt(128 - length)) << BigInt(128 - length);
        const text = formatPrefix({ family: 6, network, length }, true);
        expect(fastPath(text), text).to.deep.equal({ network, length });
      }),
      { numRuns: 2000 },
    );
  });

  it('writes words as formatIPv6 writes bigints, and converts words and bigints both ways', () => {
    fc.assert(
      fc.property(address, (value) => {
        const words = new Uint32Array(4);
        fromBigInt128(value, words, 0);
        expect(toBigInt128(words, 0)).to.equal(value);
        const out = Buffer.alloc(40);
        expect(out.toString('latin1', 0, writeIPv6(out, 0, words, 0))).to.equal(formatIPv6(value));
      }),
      { numRuns: 2000 },
    );
  });

  it('builds the same set from a list file as from the parsed prefixes', () => {
    const prefix6 = fc
      .tuple(address, fc.integer({ min: 96, max: 128 }))
      .map(([value, length]): Prefix => ({ family: 6, network: (value >> BigInt(128 - length)) << BigInt(128 - length), length }));
    fc.assert(
      fc.property(fc.array(prefix6, { maxLength: 60 }), (prefixes) => {
        const bans = unfilteredSet(parseListText(prefixes.map((p) => formatPrefix(p)).join('\n'), 's'));
        expect(bans.toArray()).to.deep.equal(createBanSet(prefixes).toArray());
        expect(bans.aggregate().text()).to.equal(createBanSet(prefixes, { aggregate: true }).text());
      }),
      { numRuns: 300 },
    );
  });

  it('sorts large unsorted IPv6 lists (radix) as a comparison sort does', () => {
    const prefix6 = fc.tuple(address, fc.integer({ min: 0, max: 128 })).map(
      ([value, length]): Prefix => ({
        family: 6,
        network: length === 0 ? 0n : (value >> BigInt(128 - length)) << BigInt(128 - length),
        length,
      }),
    );
    fc.assert(
      fc.property(fc.array(prefix6, { minLength: 2048, maxLength: 4000 }), (prefixes) => {
        const byBigInt = [...prefixes].sort((a, b) => (a.network < b.network ? -1 : a.network > b.network ? 1 : a.length - b.length));
        // Sorted input skips the sort: the radix order must give the same set.
        expect(createBanSet(prefixes).toArray()).to.deep.equal(createBanSet(byBigInt).toArray());
        expect(createExactBanSet(prefixes).toArray()).to.deep.equal(createExactBanSet(byBigInt).toArray());
      }),
      { numRuns: 15 },
    );
  });
});
