import { expect } from 'chai';
import { FetchLog, MAX_CLIENTS } from '../../src/serve/status/fetch-log.js';
import { relative, span, utc } from '../../src/serve/status/time.js';

describe('serve: who fetches each output', () => {
  it('counts answers by kind and keeps the time of the last 200 or 304 only', () => {
    let now = 1_000;
    const log = new FetchLog(undefined, () => now);
    log.record('pfsense', 200, '192.0.2.1');
    now = 2_000;
    log.record('pfsense', 304, '192.0.2.1');
    now = 3_000;
    for (const status of [401, 403, 404, 503]) log.record('pfsense', status, '192.0.2.9');
    expect(log.of('pfsense')).to.deep.include({ lastFetchAt: 2_000, ok: 1, notModified: 1, refused: 3, other: 1 });
    expect(log.of('other')).to.deep.include({ lastFetchAt: undefined, ok: 0, clients: [] });
  });

  it(`keeps the last ${MAX_CLIENTS} distinct addresses, most recent first, each with its count`, () => {
    let now = 0;
    const log = new FetchLog(undefined, () => ++now);
    for (let i = 1; i <= 8; i++) log.record('edl', 200, `198.51.100.${i}`);
    log.record('edl', 304, '198.51.100.5');
    log.record('edl', 304, '::ffff:198.51.100.5');
    const clients = log.of('edl').clients;
    expect(clients.map((c) => [c.address, c.requests, c.lastStatus])).to.deep.equal([
      ['198.51.100.5', 3, 304],
      ['198.51.100.8', 1, 200],
      ['198.51.100.7', 1, 200],
      ['198.51.100.6', 1, 200],
      ['198.51.100.4', 1, 200],
    ]);
  });
});

describe('serve: status page times', () => {
  it('says how long ago in the largest readable unit, and UTC in full', () => {
    const now = Date.UTC(2026, 11, 4, 10, 31, 7);
    expect(relative(now - 2_000, now)).to.equal('just now');
    expect(relative(now - 40_000, now)).to.equal('40 s ago');
    expect(relative(now - 3 * 60_000, now)).to.equal('3 min ago');
    expect(relative(now + 4 * 60_000, now)).to.equal('in 4 min');
    expect(relative(now - 5 * 3_600_000, now)).to.equal('5 h ago');
    expect(relative(now - 86_400_000 * 3, now)).to.equal('3 days ago');
    expect(span(47 * 3_600_000)).to.equal('47 h');
    expect(span(86_400_000 * 2)).to.equal('2 days');
    expect(span(86_400_000 * 3)).to.equal('3 days');
    expect(utc(now)).to.equal('2026-12-04 10:31:07 UTC');
  });
});
