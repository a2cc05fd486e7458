/**
 * BanSet.text(style) is the byte-level path every writer renders through; plans and parsers work
 * entry by entry. The two must agree to the byte, or a push would see differences that are not
 * there: checked here against formatPrefix and Cisco's ciscoMember for random prefixes.
 */
import { expect } from 'chai';
import fc from 'fast-check';
import { formatPrefix, parsePrefix, type Prefix } from '../../src/banset/address.js';
import { createBanSet } from '../../src/banset/banset.js';
import { ciscoMember } from '../../src/writers/cisco.js';

const v4 = fc
  .tuple(fc.integer({ min: 0, max: 32 }), fc.integer({ min: 0, max: 0xffffffff }))
  .map(([length, n]): Prefix => ({ family: 4, network: length === 0 ? 0 : n - (n % 2 ** (32 - length)), length }));
const v6 = fc
  .tuple(fc.integer({ min: 0, max: 128 }), fc.bigInt({ min: 0n, max: (1n << 128n) - 1n }))
  .map(([length, n]): Prefix => ({ family: 6, network: length === 128 ? n : (n >> BigInt(128 - length)) << BigInt(128 - length), length }));
const prefixes = fc.array(fc.oneof(v4, v6), { maxLength: 40 });

const lines = (text: string) => (text === '' ? [] : text.slice(0, -1).split('\n'));

describe('banset/text', () => {
  it('writes the styles writers use', () => {
    const bans = createBanSet(['192.0.2.1', '198.51.100.0/24', '2001:db8::1', '2001:db8:1::/48'].map(parsePrefix));
    expect(bans.text()).to.equal('192.0.2.1\n198.51.100.0/24\n2001:db8::1\n2001:db8:1::/48\n');
    expect(bans.text('both', true)).to.equal('192.0.2.1/32\n198.51.100.0/24\n2001:db8::1/128\n2001:db8:1::/48\n');
    expect(bans.text('v4', { linePrefix: ' network-object ', hostWord: 'host ', netmask: true })).to.equal(
      ' network-object host 192.0.2.1\n network-object 198.51.100.0 255.255.255.0\n',
    );
    expect(bans.text('v6', { linePrefix: '        ', lineSuffix: ';', explicitLength: true })).to.equal(
      '        2001:db8::1/128;\n        2001:db8:1::/48;\n',
    );
    expect(createBanSet([]).text('both', { linePrefix: 'x' })).to.equal('');
  });

  it('agrees with formatPrefix and ciscoMember entry by entry', () => {
    fc.assert(
      fc.property(prefixes, fc.boolean(), (input, explicit) => {
        const bans = createBanSet(input);
        const entries = bans.toArray();
        expect(lines(bans.text('both', explicit))).to.deep.equal(entries.map((p) => formatPrefix(p, explicit)));
        const cisco = lines(bans.text('v4', { linePrefix: ' ', hostWord: 'host ', netmask: true })).concat(
          lines(bans.text('v6', { linePrefix: ' ', hostWord: 'host ' })),
        );
        expect(cisco).to.deep.equal(entries.map((p) => ` ${ciscoMember(p)}`));
      }),
      { numRuns: 500 },
    );
  });
});
