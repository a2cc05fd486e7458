import { expect } from 'chai';
import type { AddressHistoryEntry } from '../../src/sync/history/query.js';
import { summarizeHistory } from '../../src/sync/history/summary.js';

describe('history summary for check', () => {
  const change = (at: string, change: AddressHistoryEntry['change'], entry: string): AddressHistoryEntry => ({
    at,
    change,
    entry,
    syncKind: 'incremental',
  });

  it('counts changes and distinct entries per kind, with first and last times and the first few entries', () => {
    const history = [
      change('2026-12-01T00:00:00.000Z', 'listed', '198.18.0.1'),
      change('2026-12-01T00:00:00.000Z', 'listed', '198.18.0.2'),
      change('2026-12-02T00:00:00.000Z', 'expired', '198.18.0.1'),
      change('2026-12-03T00:00:00.000Z', 'listed', '198.18.0.1'),
      change('2026-12-04T00:00:00.000Z', 'listed', '198.18.0.3'),
      change('2026-12-04T00:00:00.000Z', 'listed', '198.18.0.4'),
    ];
    const summary = summarizeHistory(history);
    expect(summary).to.deep.include({ changes: 6, first: '2026-12-01T00:00:00.000Z', last: '2026-12-04T00:00:00.000Z' });
    expect(summary.byChange).to.deep.equal({
      listed: {
        changes: 5,
        entries: 4,
        first: '2026-12-01T00:00:00.000Z',
        last: '2026-12-04T00:00:00.000Z',
        examples: ['198.18.0.1', '198.18.0.2', '198.18.0.3'],
      },
      expired: { changes: 1, entries: 1, first: '2026-12-02T00:00:00.000Z', last: '2026-12-02T00:00:00.000Z', examples: ['198.18.0.1'] },
    });
    expect(summary.recent).to.deep.equal(history.slice(1));
  });

  it('is empty for no change', () => {
    expect(summarizeHistory([])).to.deep.equal({ changes: 0, byChange: {}, recent: [] });
  });
});
