import { expect } from 'chai';
import { formatPrefix } from '../../src/banset/address.js';
import { BanSet, createBanSet } from '../../src/banset/banset.js';
import { parsePrefix } from '../../src/banset/address.js';
import { decodeSnapshot, encodeSnapshot } from '../../src/sync/published-file.js';
import type { PublishedSet } from '../../src/sync/published-set.js';

const REPORT = { candidates: 4, invalid: 0, invalidSamples: [], tooWide: 0, protectedHits: 0, allowlistHits: 0, published: 4 };

function published(bans: BanSet): PublishedSet {
  return { bans, report: { ...REPORT, published: bans.size }, syncedAt: new Date(1_700_000_000_000), source: 'apiban', cursor: '123' };
}

const SET = createBanSet(['192.0.2.1', '198.51.100.0/24', '2001:db8::1', '2001:db8:1::/48'].map((p) => parsePrefix(p)));
const HEAD = '{"format":"apiban-exporter/published","version":1,"syncedAt":1,"source":"local","report":{"published":1},"prefixes":';

describe('sync/published-file: published.json', () => {
  it('writes the bytes JSON.stringify would, one string per canonical prefix', () => {
    for (const bans of [SET, BanSet.EMPTY]) {
      const set = published(bans);
      const { bans: _, ...rest } = set;
      const expected = JSON.stringify({
        format: 'apiban-exporter/published',
        version: 1,
        syncedAt: rest.syncedAt.getTime(),
        source: rest.source,
        cursor: rest.cursor,
        report: rest.report,
        prefixes: Array.from(bans.prefixes(), (p) => formatPrefix(p)),
      });
      expect(encodeSnapshot(set).toString()).to.equal(expected);
    }
  });

  it('reads back what it wrote, and the same set from a file laid out or escaped differently', () => {
    const text = encodeSnapshot(published(SET)).toString();
    const back = decodeSnapshot(text);
    expect(back.bans.equals(SET)).to.equal(true);
    expect(back).to.deep.include({ cursor: '123', source: 'apiban', report: published(SET).report });
    expect(decodeSnapshot(JSON.stringify(JSON.parse(text), null, 2)).bans.equals(SET)).to.equal(true);
    expect(decodeSnapshot(`${HEAD}["192.0.2.\\u0031"]}`).bans.equals(createBanSet([parsePrefix('192.0.2.1')]))).to.equal(true);
    expect(decodeSnapshot(`${HEAD}[]}`).bans.size).to.equal(0);
  });

  it('names the entry at fault, whichever way the file is read', () => {
    expect(() => decodeSnapshot(`${HEAD}["192.0.2.1","192.0.2.0/33"]}`)).to.throw(/^prefixes\[1\]: /);
    expect(() => decodeSnapshot(`${HEAD}["192.0.2.1/24"]}`)).to.throw(/^prefixes\[0\]: host bits/);
    expect(() => decodeSnapshot(`${HEAD}["# 192.0.2.1"]}`)).to.throw(/^prefixes\[0\]: /);
    expect(() => decodeSnapshot(`${HEAD}["192.0.2.ı"]}`)).to.throw(/^prefixes\[0\]: /);
    expect(() => decodeSnapshot(`${HEAD}[1]}`)).to.throw('prefixes[0]: not a string');
    expect(() => decodeSnapshot(`${HEAD}"x"}`)).to.throw('prefixes is not an array');
  });
});
