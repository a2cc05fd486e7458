/**
 * The ipset writer's output in the real tools, inside a network namespace the test creates
 * (slow tier: system tools; skipped with a reason without root or the tool). The writer's own
 * tests are in ipset.test.ts.
 */
import { expect } from 'chai';
import { formatPrefix, parsePrefix } from '../../src/banset/address.js';
import ipset from '../../targets/ipset.js';
import { NetworkNamespace, netnsUnavailable } from '../helpers/netns.js';
import { manyHosts, MIXED, removeTempFiles, render, set, skipWhen, tempFile } from '../helpers/writer-check.js';
import { present } from '../helpers/present.js';

describe('targets/ipset in the real tools', () => {
  after(removeTempFiles);

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
