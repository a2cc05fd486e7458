import { expect } from 'chai';
import { createHash } from 'node:crypto';
import { parsePrefix } from '../../src/banset/address.js';
import { createBanSet } from '../../src/banset/banset.js';
import { applyPolicy, DEFAULT_POLICY, parseEntries } from '../../src/banset/policy.js';
import { InvalidAddressError } from '../../src/errors.js';
import { renderOutput } from '../../src/writers/render.js';
import ciscoFmc from '../../targets/cisco-fmc.js';
import { present } from '../helpers/present.js';

const set = (...entries: string[]) => createBanSet(entries.map(parsePrefix));
const options = (input: object = {}) => ciscoFmc.options.parse(input);
/** An FMC feed line: a full-line "#" comment, or one address / CIDR (never /0). */
const FMC_LINE = /^(?:#[^\n]*|(?:\d{1,3}\.){3}\d{1,3}(?:\/(?:[1-9]|[12]\d|3[0-2]))?|[0-9a-f:]+(?:\/(?:[1-9]\d?|1[01]\d|12[0-8]))?)$/;

describe('targets/cisco-fmc', () => {
  it('writes one entry per line with "#" comments only, IPv4 and IPv6', () => {
    const body = ciscoFmc.render(set('192.0.2.10', '198.51.100.0/24', '2001:db8::1'), options());
    expect(body.split('\n')).to.deep.equal([
      '# APIBAN banned SIP sources (apiban-exporter); entries=3 v4=2 v6=1',
      '192.0.2.10',
      '198.51.100.0/24',
      '2001:db8::1',
      '',
    ]);
    const { bans } = applyPolicy(parseEntries(['192.0.2.1 # x', '203.0.113.9', '2001:db8::/48', 'evil.example'], 'test'), DEFAULT_POLICY);
    for (const line of ciscoFmc.render(bans, options()).trimEnd().split('\n')) expect(line).to.match(FMC_LINE);
  });

  it('refuses a /0, which FMC does not allow, instead of writing it', () => {
    expect(() => ciscoFmc.render(set('0.0.0.0/0'), options())).to.throw(InvalidAddressError, /cisco-fmc: .* may not hold \/0/);
    expect(() => ciscoFmc.render(set('192.0.2.1', '::/0'), options())).to.throw(InvalidAddressError, /::\/0/);
  });

  it('serves an .md5 sidecar holding only the hex digest of the exact body', () => {
    const body = renderOutput(ciscoFmc, set('192.0.2.10'), options());
    const sidecars = present(ciscoFmc.sidecars, 'the FMC sidecars')(body, options());
    expect(Object.keys(sidecars)).to.deep.equal(['.md5']);
    expect(sidecars['.md5'])
      .to.equal(`${createHash('md5').update(body).digest('hex')}\n`)
      .and.match(/^[0-9a-f]{32}\n$/);
    expect(present(ciscoFmc.sidecars, 'the FMC sidecars')(`${body}203.0.113.7\n`, options())['.md5']).not.to.equal(sidecars['.md5']);
  });

  it('writes a placeholder for an empty feed only when asked (FMC keeps old data on a feed without addresses)', () => {
    expect(ciscoFmc.render(set(), options({ header: false }))).to.equal('');
    expect(ciscoFmc.render(set(), options({ placeholder: '192.0.2.255' }))).to.match(/\n192\.0\.2\.255\n$/);
  });
});
