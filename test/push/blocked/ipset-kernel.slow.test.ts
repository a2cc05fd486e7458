/**
 * linux-ipset counters on a real kernel: the sets pushed through the real OpenSSH path into a
 * network namespace, the operator's own `iptables -m set --match-set apiban4 src -j DROP` rule,
 * UDP datagrams sent from a banned source address, and the next push reading exactly those
 * packets back from `iptables -L INPUT -v -x -n` into /metrics.
 */
import { present } from '../../helpers/present.js';
import { expect } from 'chai';
import { join } from 'node:path';
import { silentLogger } from '../../../src/log.js';
import type { DeviceConfig } from '../../../src/config/push-schema.js';
import { DRIVERS } from '../../helpers/registries.js';
import { pushToDevices } from '../../../src/push/run.js';
import { ServeMetrics } from '../../../src/serve/http/metrics.js';
import { BlockedTraffic } from '../../../src/serve/status/blocked.js';
import { kernelBench } from './kernel-support.js';
import { bans, sshEndpoint } from '../drivers/device.js';

const BANNED = '192.0.2.78';

describe('blocked-traffic counters on a real kernel (OpenSSH + ipset + iptables in a network namespace)', function () {
  this.timeout(30_000);
  const bench = kernelBench('ipcnt', BANNED, ['ipset', 'iptables', 'ip6tables']);
  const sendFromBanned = (count: number) => bench.sendFromBanned(count);
  const driver = present(DRIVERS.get('linux-ipset'), 'the linux-ipset driver');

  it('reads the DROP rule matching the set and publishes exactly the packets sent', async () => {
    const target = sshEndpoint(driver, bench.server, { tempDir: join(bench.server.dir, 'upload'), counters: { chain: 'INPUT' } });
    const device = { config: { name: 'dev1', driver: 'linux-ipset' } as DeviceConfig, driver, endpoint: target };
    const push = (wanted = bans(BANNED, '198.51.100.0/24', '2001:db8::1')) =>
      pushToDevices([device], wanted, { log: silentLogger, guards: { allowEmpty: false, maxShrink: 1 } });
    const metrics = new ServeMetrics({ processMetrics: false });
    const blocked = new BlockedTraffic(metrics.registry);

    const first = await push();
    expect(first[0], first[0].error).to.include({ result: 'changed' });
    expect(first[0]).not.to.have.property('blocked'); // the operator has not added the rule yet
    bench.ns.run('iptables', ['-I', 'INPUT', '-m', 'set', '--match-set', 'apiban4', 'src', '-j', 'DROP']);
    bench.ns.run('ip6tables', ['-I', 'INPUT', '-m', 'set', '--match-set', 'apiban6', 'src', '-j', 'DROP']);
    sendFromBanned(5);
    const second = await push();
    expect(second[0]).to.include({ result: 'unchanged' });
    expect(second[0].blocked).to.deep.equal({ v4: { packets: 5, bytes: 5 * 40 }, v6: { packets: 0, bytes: 0 } });
    blocked.record(1, second);
    // The swap push (the set changes) keeps the rule and its counters: the kernel swaps set contents.
    sendFromBanned(3);
    const third = await push(bans(BANNED, '2001:db8::1'));
    expect(third[0]).to.include({ result: 'changed' });
    blocked.record(2, third);
    const text = (await metrics.render()).body;
    expect(text).to.include('apiban_exporter_blocked_packets_total{device="dev1",family="v4"} 8');
    expect(text).to.include('apiban_exporter_blocked_bytes_total{device="dev1",family="v4"} 320');
  });

  it('rejects a chain name that could reach the shell', () => {
    expect(() => driver.settings.parse({ counters: { chain: 'INPUT;reboot' } })).to.throw(/iptables chain name/);
    expect(() => driver.settings.parse({ counters: { chain: 'INPUT', table: 'nat' } })).to.throw();
  });
});
