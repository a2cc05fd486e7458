import { expect } from 'chai';
import { readFileSync } from 'node:fs';
import { parseNftDropCounters } from '../../../src/push/blocked/nftables.js';
import { fixture } from '../../helpers/paths.js';

describe('push/blocked: nftables', () => {
  it("reads the drop rule's named counters from `nft -j list table`", () => {
    // Recorded with nft 1.0.6 (Debian 12) in a network namespace: `nft -j list table inet apiban`
    // after the nftables writer's file with dropRule was loaded and 3 UDP datagrams (40 bytes each)
    // came from a banned source. Format: libnftables-json(5), "COUNTER".
    const text = readFileSync(fixture('devices', 'linux-nftables', 'list-table-dropped.json'), 'utf8');
    expect(parseNftDropCounters(text, { v4: 'v4_dropped', v6: 'v6_dropped' })).to.deep.equal({
      v4: { packets: 3, bytes: 120 },
      v6: { packets: 0, bytes: 0 },
    });
  });

  it('reports nothing (not zero) when the table has no such counter', () => {
    expect(
      parseNftDropCounters('{"nftables":[{"table":{"family":"inet","name":"apiban"}}]}', { v4: 'v4_dropped', v6: 'v6_dropped' }),
    ).to.equal(undefined);
    expect(
      parseNftDropCounters('{"nftables":[{"counter":{"name":"v4_dropped","packets":-1,"bytes":"x"}}]}', {
        v4: 'v4_dropped',
        v6: 'v6_dropped',
      }),
    ).to.equal(undefined);
  });
});
