import { expect } from 'chai';
import { TargetLimitError } from '../../src/errors.js';
import paloaltoEdl, { PANOS_EDL_IP_LIMIT } from '../../targets/paloalto-edl.js';
import { expectEveryLine, edgeBans, manyHosts, MIXED, optionProblems, PREFIX, render, set } from '../helpers/writer-check.js';

const ENTRY = new RegExp(`^${PREFIX}$`);

describe('targets/paloalto-edl', () => {
  it('writes one canonical entry per line and no comment by default', () => {
    const body = render(paloaltoEdl, set(...MIXED));
    expect(body).to.equal('192.0.2.10\n198.51.100.0/24\n203.0.113.7\n2001:db8::1\n2001:db8:1::/48\n');
    expectEveryLine(body, [ENTRY]);
  });

  it('aggregates by default, since a subnet counts as one EDL entry', () => {
    expect(render(paloaltoEdl, set('192.0.2.0', '192.0.2.1', '192.0.2.2', '192.0.2.3'))).to.equal('192.0.2.0/30\n');
    expect(render(paloaltoEdl, set('192.0.2.0', '192.0.2.1'), {}, { aggregate: false })).to.equal('192.0.2.0\n192.0.2.1\n');
  });

  it('takes exactly the documented 50,000 entries and refuses one more', () => {
    expect(paloaltoEdl.maxEntries).to.equal(50_000);
    expect(render(paloaltoEdl, manyHosts(PANOS_EDL_IP_LIMIT)).split('\n')).to.have.length(PANOS_EDL_IP_LIMIT + 1);
    expect(() => render(paloaltoEdl, manyHosts(PANOS_EDL_IP_LIMIT + 1))).to.throw(TargetLimitError, 'exceed the device limit of 50000');
  });

  it('writes the header and an empty-list placeholder only when asked', () => {
    expect(render(paloaltoEdl, set())).to.equal('');
    expect(render(paloaltoEdl, set(), { header: true, placeholder: '192.0.2.255' })).to.match(/^# APIBAN [^\n]*\n192\.0\.2\.255\n$/);
    expect(optionProblems(paloaltoEdl, { placeholder: 'example.com' })).to.include('placeholder: must be a strict IPv4/IPv6 address');
  });

  it('writes every edge prefix (this network, broadcast, loopback, a /1, zero runs) as a line of its grammar', () => {
    expectEveryLine(render(paloaltoEdl, edgeBans()), [ENTRY]);
  });
});
