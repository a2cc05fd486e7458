import { expect } from 'chai';
import { formatIPv6, formatNetmask, formatPrefix, parsePrefix, tryParsePrefix } from '../../src/banset/address.js';
import { InvalidAddressError } from '../../src/errors.js';

describe('banset/address', () => {
  it('parses strict IPv4 hosts and CIDRs', () => {
    expect(parsePrefix('192.0.2.1')).to.deep.equal({ family: 4, network: 0xc0000201, length: 32 });
    expect(parsePrefix('198.51.100.0/24')).to.deep.equal({ family: 4, network: 0xc6336400, length: 24 });
    expect(parsePrefix('0.0.0.0/0')).to.deep.equal({ family: 4, network: 0, length: 0 });
    expect(parsePrefix('255.255.255.255').network).to.equal(0xffffffff);
  });

  const hostile = [
    '',
    ' 192.0.2.1',
    '192.0.2.1 ',
    '192.0.2.1\n',
    '192.0.2.1\nend',
    '192.0.2.1; reload',
    '192.0.2.01',
    '192.0.2.256',
    '192.0.2',
    '192.0.2.1.5',
    '192.0.2.1/',
    '192.0.2.1/33',
    '192.0.2.1/024',
    '192.0.2.1/+8',
    '192.0.2.0/-1',
    '192.0.2.5/24',
    '0x7f.0.0.1',
    '1e2.0.0.1',
    'no new bans',
    'none',
    '2001:db8::1%eth0',
    '2001:db8:::1',
    '2001:db8::1::2',
    '1:2:3:4:5:6:7:8:9',
    '1:2:3:4:5:6:7',
    '2001:db8::/129',
    '2001:db8::1/64',
    ':1::',
    '12345::',
    '2001:db8::g',
    '1.2.3.4::',
    '::1.2.3',
    '192.0.2.1\u0000',
    'host 192.0.2.1',
    '192.0.2.1\r',
    '２.0.2.1',
    '192.0.2.1/32/32',
    '192.0.2.1#x',
    "192.0.2.1'",
    '1'.repeat(60),
  ];
  for (const input of hostile) {
    it(`rejects ${JSON.stringify(input)}`, () => {
      expect(tryParsePrefix(input)).to.be.a('string');
      expect(() => parsePrefix(input)).to.throw(InvalidAddressError);
    });
  }

  it('parses IPv6 forms and formats them per RFC 5952', () => {
    const cases: [string, string][] = [
      ['2001:DB8::1', '2001:db8::1'],
      ['2001:db8:0:0:1:0:0:1', '2001:db8::1:0:0:1'],
      ['2001:0db8:0000:0000:0000:0000:0000:0001', '2001:db8::1'],
      ['::', '::'],
      ['::1', '::1'],
      ['1::', '1::'],
      ['2001:db8:0:1:1:1:1:1', '2001:db8:0:1:1:1:1:1'],
      ['::ffff:192.0.2.1', '::ffff:c000:201'],
      ['2001:db8::/32', '2001:db8::/32'],
    ];
    for (const [input, canonical] of cases) expect(formatPrefix(parsePrefix(input)), input).to.equal(canonical);
  });

  it('writes host lengths only when asked, never a blind /32 on IPv6', () => {
    expect(formatPrefix(parsePrefix('192.0.2.1'), true)).to.equal('192.0.2.1/32');
    expect(formatPrefix(parsePrefix('2001:db8::1'), true)).to.equal('2001:db8::1/128');
    expect(formatPrefix(parsePrefix('2001:db8::1'))).to.equal('2001:db8::1');
  });

  it('formats netmasks', () => {
    expect(formatNetmask(0)).to.equal('0.0.0.0');
    expect(formatNetmask(24)).to.equal('255.255.255.0');
    expect(formatNetmask(32)).to.equal('255.255.255.255');
    expect(formatNetmask(17)).to.equal('255.255.128.0');
    expect(formatIPv6(0n)).to.equal('::');
  });
});
