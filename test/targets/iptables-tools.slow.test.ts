/**
 * The iptables writer's output in the real tools, inside a network namespace the test creates
 * (slow tier: system tools; skipped with a reason without root or the tool). The writer's own
 * tests are in iptables.test.ts.
 */
import { expect } from 'chai';
import iptables from '../../targets/iptables.js';
import { NetworkNamespace, netnsUnavailable } from '../helpers/netns.js';
import { MIXED, removeTempFiles, render, set, skipWhen, tempFile } from '../helpers/writer-check.js';
import { present } from '../helpers/present.js';

describe('targets/iptables in the real tools', () => {
  after(removeTempFiles);

  describe('with the real restore tools in a throwaway network namespace', () => {
    let ns: NetworkNamespace | undefined;
    const netns = () => present(ns, 'the network namespace');
    beforeEach(function () {
      skipWhen(this, netnsUnavailable(['iptables-restore', 'ip6tables-restore']));
      ns = NetworkNamespace.create('ipt');
    });
    afterEach(() => ns?.remove());

    it('passes --test for both families, also when empty', () => {
      for (const family of ['ipv4', 'ipv6']) {
        const tool = family === 'ipv4' ? 'iptables-restore' : 'ip6tables-restore';
        for (const bans of [set(...MIXED), set()]) {
          const result = netns().tryRun(tool, [
            '--test',
            '--noflush',
            tempFile('rules', render(iptables, bans, { family, target: 'REJECT' })),
          ]);
          expect(result.status, result.stderr).to.equal(0);
        }
      }
    });

    it('replaces only its own chain on reload; other chains and the INPUT hook survive', () => {
      netns().run('iptables', ['-N', 'OTHER']);
      netns().run('iptables', ['-A', 'OTHER', '-s', '192.0.2.99', '-j', 'ACCEPT']);
      netns().run('iptables-restore', ['--noflush', tempFile('first', render(iptables, set(...MIXED)))]);
      netns().run('iptables', ['-I', 'INPUT', '-j', 'APIBAN']);
      netns().run('iptables-restore', ['--noflush', tempFile('second', render(iptables, set('203.0.113.7', '198.51.100.0/25')))]);
      const rules = netns().run('iptables', ['-S']).split('\n');
      expect(rules.filter((r) => r.startsWith('-A APIBAN'))).to.deep.equal([
        '-A APIBAN -s 198.51.100.0/25 -j DROP',
        '-A APIBAN -s 203.0.113.7/32 -j DROP',
      ]);
      expect(rules).to.include.members(['-A INPUT -j APIBAN', '-A OTHER -s 192.0.2.99/32 -j ACCEPT']);
    });
  });
});
