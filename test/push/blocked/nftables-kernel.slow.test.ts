/**
 * Effectiveness on a real kernel: the project's nftables file with dropRule, loaded through the
 * real OpenSSH push path into a network namespace; UDP datagrams sent from a banned source
 * address inside that namespace; the counters read back by the next push, and the number in
 * the daemon's /metrics text equal to the datagrams sent.
 */
import { expect } from 'chai';
import { join } from 'node:path';
import { silentLogger } from '../../../src/log.js';
import type { DeviceConfig } from '../../../src/config/push-schema.js';
import { linuxNftablesDriver } from '../../../src/push/drivers/linux-nftables.js';
import { pushToDevices } from '../../../src/push/run.js';
import { ServeMetrics } from '../../../src/serve/http/metrics.js';
import { BlockedTraffic } from '../../../src/serve/status/blocked.js';
import { kernelBench } from './kernel-support.js';
import { bans, sshEndpoint } from '../drivers/device.js';

const BANNED = '192.0.2.77';

describe('blocked-traffic counters on a real kernel (OpenSSH + nft in a network namespace)', function () {
  this.timeout(30_000);
  const bench = kernelBench('cnt', BANNED, ['nft']);
  const sendFromBanned = (count: number) => bench.sendFromBanned(count);

  it("reads the drop rule's counters on each push and publishes exactly the packets sent", async () => {
    const target = sshEndpoint(linuxNftablesDriver, bench.server, {
      tempDir: join(bench.server.dir, 'upload'),
      nftables: { dropRule: true },
    });
    const device = { config: { name: 'dev1', driver: 'linux-nftables' } as DeviceConfig, driver: linuxNftablesDriver, endpoint: target };
    const wanted = bans(BANNED, '198.51.100.0/24');
    const push = () => pushToDevices([device], wanted, { log: silentLogger, guards: { allowEmpty: false, maxShrink: 1 } });
    const metrics = new ServeMetrics({ processMetrics: false });
    const blocked = new BlockedTraffic(metrics.registry);

    const first = await push();
    expect(first[0]).to.include({ result: 'changed' });
    expect(first[0].blocked).to.deep.equal({ v4: { packets: 0, bytes: 0 }, v6: { packets: 0, bytes: 0 } });
    blocked.record(1, first);
    sendFromBanned(7);
    const second = await push();
    expect(second[0]).to.include({ result: 'unchanged' });
    expect(second[0].blocked?.v4).to.deep.equal({ packets: 7, bytes: 7 * 40 });
    blocked.record(2, second);
    const text = (await metrics.render()).body;
    expect(text).to.include('apiban_exporter_blocked_packets_total{device="dev1",family="v4"} 7');
    expect(text).to.include('apiban_exporter_blocked_bytes_total{device="dev1",family="v4"} 280');

    // A rule reload (the table deleted and rebuilt) zeroes the kernel's counter: the total keeps growing.
    bench.ns.run('nft', ['delete', 'table', 'inet', 'apiban']);
    await push();
    sendFromBanned(2);
    blocked.record(3, await push());
    expect((await metrics.render()).body).to.include('apiban_exporter_blocked_packets_total{device="dev1",family="v4"} 9');
    expect(blocked.series.map((p) => p.packets)).to.deep.equal([0, 7, 9]);
  });
});
