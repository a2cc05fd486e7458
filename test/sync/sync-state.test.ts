import { expect } from 'chai';
import fc from 'fast-check';
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { decodeState, emptyState, encodeState, type Sightings, type SyncState } from '../../src/sync/sync-state.js';
import { StateStore } from '../../src/sync/store.js';
import { captureLog } from '../apiban/capture-log.js';
import { tempDir } from './support.js';

const time = fc.integer({ min: 0, max: 4_102_444_800_000 });
const address = fc.oneof(fc.ipV4(), fc.ipV6());
const sightings = fc
  .uniqueArray(fc.tuple(address, time, time), { selector: (t) => t[0], maxLength: 40 })
  .map(
    (rows) =>
      new Map(rows.map(([a, first, last]) => [a, { firstSeen: Math.min(first, last), lastSeen: Math.max(first, last) }])) as Sightings,
  );
const cursor = fc.stringMatching(/^[0-9]{1,12}$/);

const states: fc.Arbitrary<SyncState> = fc.record(
  {
    entries: sightings,
    cursor: fc.option(cursor, { nil: undefined }),
    lastFullSync: fc.option(time, { nil: undefined }),
    lastSync: fc.option(
      fc.record({ at: time, ok: fc.boolean(), error: fc.option(fc.string(), { nil: undefined }) }, { requiredKeys: ['at', 'ok'] }),
      { nil: undefined },
    ),
    fullResync: fc.option(fc.record({ cursor, startedAt: time, entries: sightings }), { nil: undefined }),
    publishedSize: fc.option(fc.nat(), { nil: undefined }),
    requestLog: fc.array(time, { maxLength: 11 }),
  },
  { requiredKeys: ['entries', 'requestLog'] },
);

/** Drops keys whose value is undefined, as JSON does. */
function normalize(state: SyncState): unknown {
  return JSON.parse(JSON.stringify(state, (_k, v: unknown) => (v instanceof Map ? [...v] : v)));
}

describe('sync/sync-state encode/decode', () => {
  it('round-trips any state', () => {
    fc.assert(
      fc.property(states, (state) => {
        expect(normalize(decodeState(encodeState(state)))).to.deep.equal(normalize(state));
      }),
    );
  });

  it('rejects every strict prefix of an encoded state (a truncated write)', () => {
    fc.assert(
      fc.property(states, fc.double({ min: 0, max: 1, maxExcluded: true, noNaN: true }), (state, cut) => {
        const text = encodeState(state);
        expect(() => decodeState(text.slice(0, Math.floor(text.length * cut)))).to.throw();
      }),
    );
  });

  it('rejects files that parse but are not a valid state', () => {
    const good = JSON.parse(
      encodeState({ ...emptyState(), entries: new Map([['192.0.2.1', { firstSeen: 1, lastSeen: 2 }]]), cursor: '5' }),
    ) as Record<string, unknown>;
    const bad: Record<string, unknown>[] = [
      { ...good, format: 'other' },
      { ...good, version: 2 },
      { ...good, cursor: 'none' },
      { ...good, cursor: '../x' },
      { ...good, entries: { addresses: ['192.0.2.1'], firstSeen: [], lastSeen: [2] } },
      { ...good, entries: { addresses: [7], firstSeen: [1], lastSeen: [2] } },
      { ...good, entries: { addresses: ['192.0.2.1', '192.0.2.1'], firstSeen: [1, 1], lastSeen: [2, 2] } },
      { ...good, entries: { addresses: ['192.0.2.1'], firstSeen: ['1'], lastSeen: [2] } },
      { ...good, lastSync: { at: 1 } },
      { ...good, fullResync: { cursor: '100', startedAt: -1, entries: good.entries } },
    ];
    for (const value of bad) expect(() => decodeState(JSON.stringify(value)), JSON.stringify(value).slice(0, 120)).to.throw();
    expect(() => decodeState(JSON.stringify(good))).not.to.throw();
  });

  it('names a bad publishedSize as a count, not a time', () => {
    const good = JSON.parse(encodeState(emptyState())) as Record<string, unknown>;
    expect(() => decodeState(JSON.stringify({ ...good, publishedSize: -3 }))).to.throw(/^publishedSize is not a count$/);
  });

  it('drops, counts and reports (with a truncated example) entries that are valid JSON but not addresses', async () => {
    const dir = tempDir();
    try {
      const hostile = `x${'9'.repeat(100_000)}`;
      const text = encodeState({
        ...emptyState(),
        entries: new Map([
          ['192.0.2.1', { firstSeen: 1, lastSeen: 2 }],
          ['not-an-ip', { firstSeen: 1, lastSeen: 2 }],
          [hostile, { firstSeen: 1, lastSeen: 2 }],
        ]),
      });
      writeFileSync(join(dir.path, 'state.json'), text);
      const capture = captureLog('info');
      const store = await StateStore.open(dir.path, capture.log);
      const state = await store.load();
      await store.close();
      expect([...state.entries.keys()]).to.deep.equal(['192.0.2.1']);
      const line = JSON.parse(capture.lines.find((l) => l.includes('not addresses')) ?? '{}') as { count?: number; example?: string };
      expect(line.count).to.equal(2);
      expect(line.example).to.equal('not-an-ip');
      expect(capture.text().length).to.be.below(2000);
    } finally {
      dir.remove();
    }
  });
});
