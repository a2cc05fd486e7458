import { expect } from 'chai';
import { formatPrefix, parsePrefix } from '../../src/banset/address.js';
import { TargetLimitError } from '../../src/errors.js';
import ipset, { computeMaxelem, MIN_MAXELEM } from '../../targets/ipset.js';
import { NetworkNamespace, netnsUnavailable } from '../helpers/netns.js';
import {
  expectEveryLine,
  edgeBans,
  manyHosts,
  MIXED,
  optionProblems,
  PREFIX4,
  PREFIX6,
  removeTempFiles,
  render,
  set,
  skipWhen,
  tempFile,
} from '../helpers/writer-check.js';
import { present } from '../helpers/present.js';

const NAME = '[A-Za-z][A-Za-z0-9_.-]*';
const LINES = [
  /^# [ -~]*$/,
  new RegExp(`^create ${NAME} hash:net family inet6? hashsize 1024 maxelem [1-9][0-9]* -exist$`),
  new RegExp(`^(flush|destroy) ${NAME}-tmp$`),
  new RegExp(`^add ${NAME}-tmp (${PREFIX4}|${PREFIX6})$`),
  new RegExp(`^swap ${NAME}-tmp ${NAME}$`),
];

describe('targets/ipset', () => {
  after(removeTempFiles);

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

  describe('restored into a throwaway network namespace', () => {
    let ns: NetworkNamespace | undefined;
    const netns = () => present(ns, 'the network namespace');
    beforeEach(function () {
      skipWhen(this, netnsUnavailable(['ipset']));
      ns = NetworkNamespace.create('ipset');
    });
    afterEach(() => ns?.remove());

    const restore = (body: string) => netns().tryRun('ipset', ['restore', '-file', tempFile('apiban.ipset', body)]);
    const members = (name: string) => {
      const listing = netns().run('ipset', ['list', name]);
      return listing
        .slice(listing.indexOf('Members:\n') + 9)
        .split('\n')
        .filter(Boolean)
        .map((m) => formatPrefix(parsePrefix(m)))
        .sort();
    };

    it('holds exactly the wanted members after each load, and leaves no temporary set', () => {
      expect(restore(render(ipset, set(...MIXED))).status).to.equal(0);
      expect(members('apiban4')).to.deep.equal(['192.0.2.10', '198.51.100.0/24', '203.0.113.7']);
      expect(members('apiban6')).to.deep.equal(['2001:db8:1::/48', '2001:db8::1']);
      expect(restore(render(ipset, set('203.0.113.7', '2001:db8::2'))).status).to.equal(0);
      expect(members('apiban4')).to.deep.equal(['203.0.113.7']);
      expect(members('apiban6')).to.deep.equal(['2001:db8::2']);
      expect(restore(render(ipset, set())).status).to.equal(0);
      expect([members('apiban4'), members('apiban6')]).to.deep.equal([[], []]);
      expect(netns().run('ipset', ['list', '-n']).split('\n').filter(Boolean).sort()).to.deep.equal(['apiban4', 'apiban6']);
    });

    it('loads 100k entries', function () {
      this.timeout(60_000);
      expect(restore(render(ipset, manyHosts(100_000))).status).to.equal(0);
      expect(netns().run('ipset', ['list', '-t', 'apiban4'])).to.match(/Number of entries: 100000\n/);
    });

    it('fails on its first command without touching the live set when maxelem changes (why maxelem moves in coarse steps)', () => {
      expect(restore(render(ipset, set('192.0.2.1'), { maxelem: 65_536 })).status).to.equal(0);
      const changed = restore(render(ipset, set('192.0.2.2'), { maxelem: 131_072 }));
      expect(changed.status).to.not.equal(0);
      expect(changed.stderr).to.match(/line 2: .*already exists/); // line 1 is the header comment
      expect(members('apiban4')).to.deep.equal(['192.0.2.1']);
    });

    it('swaps neither family when the IPv6 part is rejected', () => {
      expect(restore(render(ipset, set('192.0.2.1', '2001:db8::1'))).status).to.equal(0);
      netns().run('ipset', ['destroy', 'apiban6']);
      netns().run('ipset', ['create', 'apiban6', 'hash:ip', 'family', 'inet6']); // a clashing header: the v6 create fails
      const rejected = restore(render(ipset, set('192.0.2.2', '2001:db8::2')));
      expect(rejected.status).to.not.equal(0);
      expect(members('apiban4')).to.deep.equal(['192.0.2.1']);
    });
  });
});
