/**
 * The nftables writer's output in the real tools, inside a network namespace the test creates
 * (slow tier: system tools; skipped with a reason without root or the tool). The writer's own
 * tests are in nftables.test.ts.
 */
import { expect } from 'chai';
import { spawnSync } from 'node:child_process';
import nftables, { NFT_RESERVED } from '../../targets/nftables.js';
import { NetworkNamespace, netnsUnavailable } from '../helpers/netns.js';
import { manyHosts, MIXED, removeTempFiles, render, set, skipWhen, tempFile } from '../helpers/writer-check.js';
import { present } from '../helpers/present.js';

const nftMissing = () => (spawnSync('sh', ['-c', 'command -v nft']).status === 0 ? undefined : 'nft is not installed');

/** `nft -c -f`: parsed and validated by the kernel in check mode, nothing is changed. */
function nftCheck(body: string): { status: number | null; stderr: string } {
  const result = spawnSync('nft', ['-c', '-f', tempFile('apiban.nft', body)], { encoding: 'utf8' });
  return { status: result.status, stderr: result.stderr };
}

describe('targets/nftables in the real tools', () => {
  after(removeTempFiles);

  describe('with the real nft (check mode, nothing is changed)', () => {
    beforeEach(function () {
      skipWhen(this, nftMissing() ?? netnsUnavailable());
    });

    for (const [label, options] of Object.entries({
      default: {},
      dropRule: { dropRule: true },
      'ip table': { tableFamily: 'ip', dropRule: true },
      'ip6 table': { tableFamily: 'ip6', dropRule: true },
    })) {
      it(`accepts the mixed and the empty output (${label})`, () => {
        for (const bans of [set(...MIXED), set()]) {
          const result = nftCheck(render(nftables, bans, options));
          expect(result.status, result.stderr).to.equal(0);
        }
      });
    }

    it('accepts 100k entries', function () {
      this.timeout(60_000); // nft builds 100k separate intervals in user space: seconds, not minutes
      const result = nftCheck(render(nftables, manyHosts(100_000)));
      expect(result.status, result.stderr).to.equal(0);
    });

    it('really rejects every name the options refuse as a keyword', () => {
      for (const word of NFT_RESERVED) {
        const body = `table inet apiban {\n  set ${word} { type ipv4_addr; flags interval; }\n}\n`;
        expect(nftCheck(body).status, `nft accepted set name ${word}`).to.not.equal(0);
      }
    });
  });

  describe('loaded into a throwaway network namespace', () => {
    let ns: NetworkNamespace | undefined;
    const netns = () => present(ns, 'the network namespace');
    beforeEach(function () {
      skipWhen(this, nftMissing() ?? netnsUnavailable());
      ns = NetworkNamespace.create('nft');
    });
    afterEach(() => ns?.remove());

    const has = (element: string) =>
      netns().tryRun('nft', ['get', 'element', 'inet', 'apiban', element.includes(':') ? 'v6' : 'v4', `{ ${element} }`]).status === 0;

    it('replaces the set contents on the next load', () => {
      netns().run('nft', ['-f', tempFile('first.nft', render(nftables, set(...MIXED)))]);
      expect(['192.0.2.10', '198.51.100.77', '2001:db8:1::5'].map(has)).to.deep.equal([true, true, true]);
      netns().run('nft', ['-f', tempFile('second.nft', render(nftables, set('192.0.2.10', '2001:db8::1')))]);
      expect(['192.0.2.10', '198.51.100.77', '2001:db8::1', '2001:db8:1::5'].map(has)).to.deep.equal([true, false, true, false]);
      netns().run('nft', ['-f', tempFile('empty.nft', render(nftables, set()))]);
      expect(['192.0.2.10', '2001:db8::1'].map(has)).to.deep.equal([false, false]);
    });
  });
});
