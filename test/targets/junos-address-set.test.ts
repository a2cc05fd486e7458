import { expect } from 'chai';
import { parsePrefix } from '../../src/banset/address.js';
import { createBanSet } from '../../src/banset/banset.js';
import { applyPolicy, DEFAULT_POLICY, parseEntries } from '../../src/banset/policy.js';
import { TargetLimitError } from '../../src/errors.js';
import { renderOutput } from '../../src/writers/render.js';
import junosAddressSet from '../../targets/junos-address-set.js';

const set = (...entries: string[]) => createBanSet(entries.map(parsePrefix));
const options = (input: object = {}) => junosAddressSet.options.parse(input);
const LINE = new RegExp(
  '^(?:# APIBAN banned SIP sources \\(apiban-exporter\\); entries=\\d+ v4=\\d+ v6=\\d+' +
    '|delete security address-book global address-set [A-Za-z0-9][A-Za-z0-9_.-]*' +
    '|set security address-book global address [A-Za-z0-9][A-Za-z0-9_.-]*-\\d+ (?:(?:\\d{1,3}\\.){3}\\d{1,3}/\\d{1,2}|[0-9a-f:]+/\\d{1,3})' +
    '|set security address-book global address-set [A-Za-z0-9][A-Za-z0-9_.-]* address [A-Za-z0-9][A-Za-z0-9_.-]*-\\d+)$',
);

describe('targets/junos-address-set', () => {
  it('writes numbered global addresses with canonical prefixes and one address-set', () => {
    expect(junosAddressSet.render(set('198.51.100.0/24', '2001:db8::1'), options({ header: false, setName: 'SIP-BAN' }))).to.equal(
      [
        'delete security address-book global address-set SIP-BAN',
        'set security address-book global address SIP-BAN-1 198.51.100.0/24',
        'set security address-book global address-set SIP-BAN address SIP-BAN-1',
        'set security address-book global address SIP-BAN-2 2001:db8::1/128',
        'set security address-book global address-set SIP-BAN address SIP-BAN-2',
        '',
      ].join('\n'),
    );
  });

  it('keeps a placeholder member in an empty set', () => {
    expect(junosAddressSet.render(set(), options({ header: false }))).to.include('address APIBAN-1 192.0.2.255/32\n');
  });

  it('declares the address-set limit and refuses more instead of cutting', () => {
    expect(junosAddressSet.maxEntries).to.equal(1024);
    const big = createBanSet(Array.from({ length: 1025 }, (_, i) => ({ family: 4 as const, network: 0x0b000000 + i * 2, length: 32 })));
    expect(() => renderOutput(junosAddressSet, big, options(), { aggregate: false })).to.throw(
      TargetLimitError,
      /1025 entries exceed the device limit of 1024/,
    );
  });

  it('rejects bad names and placeholders, and writes only valid statements from hostile input', () => {
    expect(junosAddressSet.options.safeParse({ setName: 'A B' }).success).to.equal(false);
    expect(junosAddressSet.options.safeParse({ setName: 'A'.repeat(58) }).error?.issues[0].message).to.match(/limited to 57 characters/);
    expect(junosAddressSet.options.safeParse({ placeholder: '0.0.0.0/0' }).success).to.equal(false);
    const { bans } = applyPolicy(parseEntries(['192.0.2.1 address-set X', '203.0.113.9', '2001:db8::/32'], 'test'), DEFAULT_POLICY);
    for (const line of junosAddressSet.render(bans, options()).trimEnd().split('\n')) expect(line).to.match(LINE);
  });
});
