import { expect } from 'chai';
import nftables, { ELEMENTS_PER_STATEMENT } from '../../targets/nftables.js';
import { expectEveryLine, edgeBans, manyHosts, MIXED, optionProblems, PREFIX4, PREFIX6, render, set } from '../helpers/writer-check.js';

const NAME = '[A-Za-z][A-Za-z0-9_]*';
const LINES = [
  /^# [ -~]*$/,
  new RegExp(`^table (inet|ip|ip6) ${NAME} \\{$`),
  new RegExp(`^  set ${NAME} \\{ type ipv[46]_addr; flags interval; auto-merge; \\}$`),
  new RegExp(`^  counter ${NAME} \\{ \\}$`),
  new RegExp(`^  chain ${NAME} \\{ type filter hook input priority filter - 10; policy accept; \\}$`),
  /^\}$/,
  new RegExp(`^flush (set|chain) (inet|ip|ip6) ${NAME} ${NAME}$`),
  new RegExp(`^add element (inet|ip|ip6) ${NAME} ${NAME} \\{ ${PREFIX4}(, ${PREFIX4})* \\}$`),
  new RegExp(`^add element (inet|ip|ip6) ${NAME} ${NAME} \\{ ${PREFIX6}(, ${PREFIX6})* \\}$`),
  new RegExp(`^add rule (inet|ip|ip6) ${NAME} ${NAME} ip6? saddr @${NAME} counter name ${NAME} drop$`),
];

describe('targets/nftables', () => {
  it('declares both interval sets, flushes them and adds the prefixes in one file', () => {
    const body = render(nftables, set(...MIXED));
    expect(body).to.include(
      'table inet apiban {\n  set v4 { type ipv4_addr; flags interval; auto-merge; }\n  set v6 { type ipv6_addr; flags interval; auto-merge; }\n}\n',
    );
    expect(body).to.include('flush set inet apiban v4\nflush set inet apiban v6\n');
    expect(body).to.include('add element inet apiban v4 { 192.0.2.10, 198.51.100.0/24, 203.0.113.7 }\n');
    expect(body).to.include('add element inet apiban v6 { 2001:db8::1, 2001:db8:1::/48 }\n');
    expect(body).not.to.include('chain');
    expectEveryLine(body, LINES);
  });

  it('empties the sets and adds nothing for an empty list (an empty element block is a syntax error)', () => {
    const body = render(nftables, set());
    expect(body).to.include('flush set inet apiban v4');
    expect(body).not.to.include('add element');
  });

  it('splits large sets into statements of ELEMENTS_PER_STATEMENT', () => {
    const count = ELEMENTS_PER_STATEMENT * 2 + 5;
    const statements = render(nftables, manyHosts(count))
      .split('\n')
      .filter((line) => line.startsWith('add element'));
    expect(statements).to.have.length(3);
    expect(statements.map((s) => s.split(', ').length)).to.deep.equal([ELEMENTS_PER_STATEMENT, ELEMENTS_PER_STATEMENT, 5]);
  });

  it('adds the optional drop chain, matching only the families the table sees', () => {
    const inet = render(nftables, set(...MIXED), { dropRule: true });
    expect(inet).to.include(
      'add rule inet apiban input ip saddr @v4 counter name v4_dropped drop\nadd rule inet apiban input ip6 saddr @v6 counter name v6_dropped drop\n',
    );
    const ip = render(nftables, set(...MIXED), { dropRule: true, tableFamily: 'ip', table: 'fw', chain: 'apiban_in' });
    expect(ip).to.include('flush chain ip fw apiban_in\nadd rule ip fw apiban_in ip saddr @v4 counter name v4_dropped drop\n');
    expect(ip).not.to.include('ip6 saddr');
    expectEveryLine(ip, LINES);
  });

  it('refuses names nft cannot parse, with the reason', () => {
    expect(optionProblems(nftables, { table: 'drop' })).to.include('table: table name must not be an nft keyword');
    expect(optionProblems(nftables, { setV4: 'v4;flush ruleset' })).to.include('setV4: IPv4 set name must be a letter');
    expect(optionProblems(nftables, { setV4: 'x', setV6: 'x' })).to.include('setV6: setV4 and setV6 must differ');
    expect(optionProblems(nftables, { tableFamily: 'bridge' })).to.include('tableFamily');
  });

  it('writes every edge prefix (this network, broadcast, loopback, a /1, zero runs) as a line of its grammar', () => {
    expectEveryLine(render(nftables, edgeBans(), { dropRule: true }), LINES);
  });
});
