import { expect } from 'chai';
import { TargetLimitError } from '../../src/errors.js';
import ipset, { computeMaxelem, MIN_MAXELEM } from '../../targets/ipset.js';
import { expectEveryLine, edgeBans, manyHosts, MIXED, optionProblems, PREFIX4, PREFIX6, render, set } from '../helpers/writer-check.js';

const NAME = '[A-Za-z][A-Za-z0-9_.-]*';
const LINES = [
  /^# [ -~]*$/,
  new RegExp(`^create ${NAME} hash:net family inet6? hashsize 1024 maxelem [1-9][0-9]* -exist$`),
  new RegExp(`^(flush|destroy) ${NAME}-tmp$`),
  new RegExp(`^add ${NAME}-tmp (${PREFIX4}|${PREFIX6})$`),
  new RegExp(`^swap ${NAME}-tmp ${NAME}$`),
];

describe('targets/ipset', () => {
  it('fills a temporary set per family, then swaps both in', () => {
    const body = render(ipset, set(...MIXED));
    expect(body).to.include(
      [
        'create apiban4 hash:net family inet hashsize 1024 maxelem 65536 -exist',
        'create apiban4-tmp hash:net family inet hashsize 1024 maxelem 65536 -exist',
        'flush apiban4-tmp',
        'add apiban4-tmp 192.0.2.10',
        'add apiban4-tmp 198.51.100.0/24',
        'add apiban4-tmp 203.0.113.7',
        'create apiban6 hash:net family inet6 hashsize 1024 maxelem 65536 -exist',
      ].join('\n'),
    );
    expect(body).to.match(
      /add apiban6-tmp 2001:db8:1::\/48\nswap apiban4-tmp apiban4\ndestroy apiban4-tmp\nswap apiban6-tmp apiban6\ndestroy apiban6-tmp\n$/,
    );
    expectEveryLine(body, LINES);
    expectEveryLine(render(ipset, edgeBans()), LINES);
  });

  it('keeps maxelem at the next power of two at or above twice the size, never below 65536', () => {
    expect([0, 1, 32_768, 32_769, 65_536, 100_000].map(computeMaxelem)).to.deep.equal([
      MIN_MAXELEM,
      MIN_MAXELEM,
      65_536,
      131_072,
      131_072,
      262_144,
    ]);
    expect(render(ipset, manyHosts(40_000))).to.include('create apiban4 hash:net family inet hashsize 1024 maxelem 131072 -exist');
  });

  it('uses a pinned maxelem and refuses a set larger than it', () => {
    expect(render(ipset, set('192.0.2.1'), { maxelem: 1000 })).to.include('maxelem 1000 -exist');
    expect(() => render(ipset, manyHosts(11), { maxelem: 10 })).to.throw(TargetLimitError, '11 entries exceed the device limit of 10');
  });

  it('refuses names ipset cannot hold or that clash', () => {
    expect(optionProblems(ipset, { setV4: 'a'.repeat(28) })).to.include('setV4: must be a letter followed by up to 26');
    expect(optionProblems(ipset, { setV6: 'bad name' })).to.include('setV6');
    expect(optionProblems(ipset, { setV4: 'same', setV6: 'same' })).to.include('setV6: setV4 and setV6 must differ');
    expect(optionProblems(ipset, { maxelem: 0 })).to.include('maxelem');
  });
});
