import { expect } from 'chai';
import { parsePrefix } from '../../src/banset/address.js';
import { createBanSet, createExactBanSet } from '../../src/banset/banset.js';
import { coverageOf } from '../../src/banset/coverage.js';

const set = (...entries: string[]) => createBanSet(entries.map((e) => parsePrefix(e)));

describe('coverage of a queried network', () => {
  it('is covered by an entry holding the whole query', () => {
    const answer = coverageOf(set('198.51.100.0/24'), parsePrefix('198.51.100.64/26'));
    expect(answer).to.deep.include({ coverage: 'covered', addresses: 64n, banned: 64n });
    expect(answer.coveredBy).to.deep.equal(parsePrefix('198.51.100.0/24'));
  });

  it('counts the banned addresses inside a partly covered network, each once', () => {
    // An exact set keeps nested entries: the /30 inside the /29 must not be counted twice.
    const bans = createExactBanSet(['198.51.100.8/29', '198.51.100.8/30', '198.51.100.200', '203.0.113.1'].map((e) => parsePrefix(e)));
    const answer = coverageOf(bans, parsePrefix('198.51.100.0/24'));
    expect(answer).to.deep.include({ coverage: 'partly-covered', addresses: 256n, banned: 9n });
    expect(answer.inside).to.have.length(3);
  });

  it('is not listed when nothing of the query is banned, in either family', () => {
    expect(coverageOf(set('198.51.100.1', '2001:db8::1'), parsePrefix('198.51.101.0/24')).coverage).to.equal('not-listed');
    const v6 = coverageOf(set('198.51.100.1', '2001:db8:1::1'), parsePrefix('2001:db8::/32'));
    expect(v6).to.deep.include({ coverage: 'partly-covered', addresses: 2n ** 96n, banned: 1n });
  });
});
