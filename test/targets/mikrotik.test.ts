import { expect } from 'chai';
import mikrotik from '../../targets/mikrotik.js';
import { expectEveryLine, hostileBans, IPV4, IPV6, MIXED, optionProblems, PREFIX4, render, set } from '../helpers/writer-check.js';

const escapeRegex = (text: string) => text.replace(/[.*+?^${}()|[\]\\/]/g, '\\$&');

/** Every line the script may hold, for the given list, comment and timeout. */
function scriptLines(list: string, comment: string, timeout: string | null): RegExp[] {
  const t = timeout === null ? '' : ` timeout=${timeout}`;
  const keep = (menu: string) => (timeout === null ? '' : ` else={ ${menu} set $i timeout=${timeout} }`);
  const exact = (text: string) => new RegExp(`^${escapeRegex(text)}$`);
  const lines = [/^# [ -~]*$/, /^\/system script environment remove \[find where name~"\^apiban\(Add\|Want\)\[46\]\\\$"\]$/];
  for (const [n, menu, address] of [
    ['4', '/ip firewall address-list', PREFIX4],
    ['6', '/ipv6 firewall address-list', `${IPV6}/\\d{1,3}`],
  ]) {
    lines.push(exact(`:global apibanWant${n} [:toarray ""]`));
    lines.push(
      exact(
        `:global apibanAdd${n} do={ :global apibanWant${n}; :set ($apibanWant${n}->$1) true; :do { ${menu} add list="${list}" address=$1 comment="${comment}"${t} } on-error={} }`,
      ),
    );
    lines.push(new RegExp(`^\\$apibanAdd${n} "${address}"$`));
    lines.push(
      new RegExp(
        `^:global apibanWant${n}; :foreach i in=\\[${escapeRegex(menu)} find where list="${escapeRegex(list)}"\\] do=\\{ .* do=\\{ ${escapeRegex(menu)} remove \\$i \\}${escapeRegex(keep(menu))} \\}$`,
      ),
    );
  }
  return lines;
}

describe('targets/mikrotik', () => {
  it('adds every wanted address per family, then sweeps, then forgets its globals', () => {
    const body = render(mikrotik, set(...MIXED));
    expectEveryLine(body, scriptLines('APIBAN', 'apiban-exporter', null));
    const lines = body.split('\n');
    const calls = lines.filter((line) => line.startsWith('$apibanAdd'));
    expect(calls).to.deep.equal([
      '$apibanAdd4 "192.0.2.10"',
      '$apibanAdd4 "198.51.100.0/24"',
      '$apibanAdd4 "203.0.113.7"',
      '$apibanAdd6 "2001:db8::1/128"',
      '$apibanAdd6 "2001:db8:1::/48"',
    ]);
    const lastAdd = Math.max(...calls.map((call) => lines.indexOf(call)));
    const firstRemove = lines.findIndex((line) => line.includes(' remove '));
    expect(firstRemove, 'nothing is removed before every wanted address was added').to.be.greaterThan(lastAdd);
    expect(lines.filter(Boolean).at(-1)).to.match(/^\/system script environment remove/);
  });

  it('normalises the addresses RouterOS prints before comparing them with the wanted keys', () => {
    const body = render(mikrotik, set(...MIXED));
    expect(body).to.include(':if ([:pick $a ([:len $a] - 3) [:len $a]] = "/32") do={ :set a [:pick $a 0 ([:len $a] - 3)] }');
    expect(body).to.include(':if ([:typeof [:find $a "/"]] = "nil") do={ :set a ($a . "/128") }');
  });

  it('writes the list name, comment and timeout it is given, and refreshes the timeout of kept entries', () => {
    const options = { list: 'sip-block', comment: 'APIBAN (auto)', timeout: '1d12h' };
    const body = render(mikrotik, set(...MIXED), options);
    expectEveryLine(body, scriptLines('sip-block', 'APIBAN (auto)', '1d12h'));
    expect(body).to.include('add list="sip-block" address=$1 comment="APIBAN (auto)" timeout=1d12h }');
    expect(body).to.include('else={ /ipv6 firewall address-list set $i timeout=1d12h }');
  });

  it('for an empty set adds nothing and sweeps the lists empty', () => {
    const body = render(mikrotik, set());
    expect(body).not.to.match(/^\$apibanAdd/m);
    expect(body.match(/ remove \$i /g)).to.have.length(2);
  });

  it('aggregates by default', () => {
    expect(render(mikrotik, set('192.0.2.0', '192.0.2.1'))).to.include('$apibanAdd4 "192.0.2.0/31"');
  });

  it('refuses option values that could break out of a RouterOS string', () => {
    expect(optionProblems(mikrotik, { list: 'a" ; /system reset' })).to.include('list: list must be 1-63');
    expect(optionProblems(mikrotik, { comment: 'cost $1' })).to.include('comment: comment may hold');
    expect(optionProblems(mikrotik, { comment: 'a"b' })).to.include('comment');
    expect(optionProblems(mikrotik, { comment: 'x\\' })).to.include('comment');
    expect(optionProblems(mikrotik, { timeout: '7 days' })).to.include('timeout: timeout must be a RouterOS time');
    expect(optionProblems(mikrotik, { timeout: '0d' })).to.include('timeout');
  });

  it('lets only strict prefixes from a hostile feed through', () => {
    const body = render(mikrotik, hostileBans());
    expectEveryLine(body, scriptLines('APIBAN', 'apiban-exporter', null));
    expect(body).to.include(`$apibanAdd4 "203.0.113.9"`);
    expect(body.match(new RegExp(`"${IPV4}`, 'g'))).to.have.length(1);
  });
});
