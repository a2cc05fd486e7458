import { expect } from 'chai';
import { parsePrefix } from '../../src/banset/address.js';
import { createBanSet } from '../../src/banset/banset.js';
import { applyPolicy, DEFAULT_POLICY, parseEntries } from '../../src/banset/policy.js';
import junosSrxFeed from '../../targets/junos-srx-feed.js';

const set = (...entries: string[]) => createBanSet(entries.map(parsePrefix));
const options = (input: object = {}) => junosSrxFeed.options.parse(input);
const SRX_LINE = /^(?:(?:\d{1,3}\.){3}\d{1,3}\/\d{1,2}|[0-9a-f:]+\/\d{1,3})$/;

describe('targets/junos-srx-feed', () => {
  it('writes one CIDR per line with explicit /32 and /128 and no header by default', () => {
    expect(junosSrxFeed.render(set('2001:db8::1', '198.51.100.0/24', '192.0.2.10'), options())).to.equal(
      '192.0.2.10/32\n198.51.100.0/24\n2001:db8::1/128\n',
    );
    expect(junosSrxFeed.render(set('192.0.2.10'), options({ header: true }))).to.match(/^# APIBAN .*\n192\.0\.2\.10\/32\n$/);
  });

  it('is served under a .txt name, which the SRX requires', () => {
    expect(junosSrxFeed.http.extension).to.equal('.txt');
    expect(junosSrxFeed.http.contentType).to.match(/^text\/plain/);
  });

  it('writes only CIDR lines from hostile input, and nothing or a placeholder when empty', () => {
    const { bans } = applyPolicy(
      parseEntries(['192.0.2.1\n192.0.2.2', '203.0.113.9', '2001:db8::/32', ' 198.51.100.1'], 'test'),
      DEFAULT_POLICY,
    );
    for (const line of junosSrxFeed.render(bans, options()).trimEnd().split('\n')) expect(line).to.match(SRX_LINE);
    expect(junosSrxFeed.render(set(), options())).to.equal('');
    expect(junosSrxFeed.render(set(), options({ placeholder: '192.0.2.255' }))).to.equal('192.0.2.255\n');
  });
});
