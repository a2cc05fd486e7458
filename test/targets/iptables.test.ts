import { expect } from 'chai';
import iptables from '../../targets/iptables.js';
import { expectEveryLine, edgeBans, IPV4, IPV6, MIXED, optionProblems, render, set } from '../helpers/writer-check.js';

const CHAIN = '[A-Za-z][A-Za-z0-9_-]*';
const lines = (prefix: string) => [
  /^# [ -~]*$/,
  /^\*filter$/,
  /^COMMIT$/,
  new RegExp(`^:${CHAIN} - \\[0:0\\]$`),
  new RegExp(`^-F ${CHAIN}$`),
  new RegExp(`^-A ${CHAIN} -s ${prefix}/\\d{1,3} -j (DROP|REJECT)$`),
];

describe('targets/iptables', () => {
  it('refills one chain with a rule per IPv4 prefix, explicit lengths', () => {
    const body = render(iptables, set(...MIXED));
    expect(body).to.include(
      '*filter\n:APIBAN - [0:0]\n-F APIBAN\n-A APIBAN -s 192.0.2.10/32 -j DROP\n-A APIBAN -s 198.51.100.0/24 -j DROP\n-A APIBAN -s 203.0.113.7/32 -j DROP\nCOMMIT\n',
    );
    expect(body).not.to.include('2001:db8');
    expectEveryLine(body, lines(IPV4));
  });

  it('writes the IPv6 file for ip6tables-restore when asked, with the chosen chain and target', () => {
    const body = render(iptables, set(...MIXED), { family: 'ipv6', chain: 'SIP-BANS', target: 'REJECT' });
    expect(body).to.include('# Load with: ip6tables-restore --noflush FILE');
    expect(body).to.include(
      ':SIP-BANS - [0:0]\n-F SIP-BANS\n-A SIP-BANS -s 2001:db8::1/128 -j REJECT\n-A SIP-BANS -s 2001:db8:1::/48 -j REJECT\nCOMMIT\n',
    );
    expect(body).not.to.include('192.0.2.10');
    expectEveryLine(body, lines(IPV6));
  });

  it('aggregates by default: fewer rules, same addresses', () => {
    const body = render(iptables, set('192.0.2.0', '192.0.2.1', '192.0.2.2', '192.0.2.3'));
    expect(body.split('\n').filter((line) => line.startsWith('-A'))).to.deep.equal(['-A APIBAN -s 192.0.2.0/30 -j DROP']);
  });

  it('refuses chain names that are built-ins, too long or unsafe', () => {
    expect(optionProblems(iptables, { chain: 'INPUT' })).to.include('chain: chain must not be a built-in chain or target name');
    expect(optionProblems(iptables, { chain: 'drop' })).to.include('built-in');
    expect(optionProblems(iptables, { chain: 'A'.repeat(29) })).to.include('chain: chain must be a letter followed by up to 27');
    expect(optionProblems(iptables, { chain: 'X -j ACCEPT' })).to.include('chain');
    expect(optionProblems(iptables, { target: 'ACCEPT' })).to.include('target');
  });

  it('writes every edge prefix (this network, broadcast, loopback, a /1, zero runs) as a line of its grammar', () => {
    expectEveryLine(render(iptables, edgeBans()), lines(IPV4));
  });
});
