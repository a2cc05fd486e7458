import { expect } from 'chai';
import { BlockedTotals } from '../../src/fleet/blocked.js';

describe('fleet: blocked-traffic totals', () => {
  it('keeps totals growing across a counter reset, as Prometheus does', () => {
    const totals = new BlockedTotals();
    expect(totals.record('fw1', { v4: { packets: 10, bytes: 400 } })).to.deep.equal([{ family: 'v4', packets: 10, bytes: 400 }]);
    expect(totals.record('fw1', { v4: { packets: 15, bytes: 600 } })).to.deep.equal([{ family: 'v4', packets: 5, bytes: 200 }]);
    // The device rebooted: its counter starts again from zero and already counted 4.
    expect(totals.record('fw1', { v4: { packets: 4, bytes: 160 } })).to.deep.equal([{ family: 'v4', packets: 4, bytes: 160 }]);
    expect(totals.record('fw2', undefined)).to.deep.equal([]);
    expect(totals.of('fw1')).to.deep.equal([{ device: 'fw1', family: 'v4', packets: 19, bytes: 760 }]);
    expect(totals.of('fw2')).to.equal(undefined);
  });

  it('a restored snapshot continues from the last reading, for split and whole-table (all) families', () => {
    const before = new BlockedTotals();
    before.record('pf1', { all: { packets: 61, bytes: 3660 } });
    before.record('asa1', { v4: { packets: 100 } });
    const after = new BlockedTotals();
    after.restore(JSON.parse(JSON.stringify(before.snapshot())) as ReturnType<BlockedTotals['snapshot']>);
    expect(after.record('pf1', { all: { packets: 70, bytes: 4200 } })).to.deep.equal([{ family: 'all', packets: 9, bytes: 540 }]);
    expect(after.record('asa1', { v4: { packets: 100 } })).to.deep.equal([{ family: 'v4', packets: 0 }]);
    expect(after.of('pf1')).to.deep.equal([{ device: 'pf1', family: 'all', packets: 70, bytes: 4200 }]);
    expect(after.of('asa1')).to.deep.equal([{ device: 'asa1', family: 'v4', packets: 100 }]);
  });
});
