import { expect } from 'chai';
import { TargetLimitError } from '../../src/errors.js';
import fortigate, { FORTIGATE_FEED_LIMIT } from '../../targets/fortigate.js';
import { expectEveryLine, edgeBans, manyHosts, MIXED, optionProblems, PREFIX, render, set } from '../helpers/writer-check.js';

const ENTRY = new RegExp(`^${PREFIX}$`);

describe('targets/fortigate', () => {
  it('writes one address or subnet per line, IPv4 and IPv6, no comment by default', () => {
    const body = render(fortigate, set(...MIXED), {}, { families: 'v6' });
    expect(body).to.equal('2001:db8::1\n2001:db8:1::/48\n');
    expectEveryLine(render(fortigate, set(...MIXED)), [ENTRY]);
  });

  it('aggregates by default to save feed entries', () => {
    expect(render(fortigate, set('2001:db8::', '2001:db8::1', '198.51.100.0/25', '198.51.100.128/25'))).to.equal(
      '198.51.100.0/24\n2001:db8::/127\n',
    );
  });

  it('takes exactly the 128K entries every FortiOS version allows and refuses one more', function () {
    this.timeout(30_000);
    expect(FORTIGATE_FEED_LIMIT).to.equal(131_072);
    expect(render(fortigate, manyHosts(FORTIGATE_FEED_LIMIT)).split('\n')).to.have.length(FORTIGATE_FEED_LIMIT + 1);
    expect(() => render(fortigate, manyHosts(FORTIGATE_FEED_LIMIT + 1))).to.throw(TargetLimitError, '131073 entries exceed');
  });

  it('writes a "#" header when asked and validates the placeholder', () => {
    expect(render(fortigate, set('192.0.2.1'), { header: true })).to.match(
      /^# APIBAN banned SIP sources[^\n]*entries=1[^\n]*\n192\.0\.2\.1\n$/,
    );
    expect(optionProblems(fortigate, { placeholder: '10.0.0.1/8' })).to.include('placeholder');
    expect(optionProblems(fortigate, { header: 'yes' })).to.include('header');
  });

  it('writes every edge prefix (this network, broadcast, loopback, a /1, zero runs) as a line of its grammar', () => {
    expectEveryLine(render(fortigate, edgeBans()), [ENTRY]);
  });
});
