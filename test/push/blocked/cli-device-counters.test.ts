/**
 * Hit counts from the Cisco and Junos simulators through the real push path: the device entry
 * names the rule (`settings.counters`), each push reads it after the list, the daemon's
 * BlockedTraffic turns the readings into /metrics totals that never go backwards, and a device
 * without `counters` (or whose rule does not reference the managed lists) reports nothing.
 */
import { expect } from 'chai';
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { stringify } from 'yaml';
import { parsePrefix } from '../../../src/banset/address.js';
import { createBanSet } from '../../../src/banset/banset.js';
import type { DeviceConfig } from '../../../src/config/push-schema.js';
import { pushSchema } from '../../helpers/config-schema.js';
import { silentLogger } from '../../../src/log.js';
import { resolveDevice, type PushDevice } from '../../../src/push/devices.js';
import type { DeviceResult } from '../../../src/fleet/device-result.js';
import { pushToDevices } from '../../../src/push/run.js';
import { ServeMetrics } from '../../../src/serve/http/metrics.js';
import { BlockedTraffic } from '../../../src/serve/status/blocked.js';
import { runCli } from '../../helpers/cli.js';
import { startCiscoAsa } from '../../helpers/sim-cisco-asa.js';
import { startCiscoIos } from '../../helpers/sim-cisco-ios.js';
import { startJunos } from '../../helpers/sim-junos.js';
import type { SimulatedDevice } from '../../helpers/ssh-device.js';
import { simulatorDevice } from '../../helpers/cli-config.js';

const AUTH = { auth: { username: 'netops', password: 'pw-c0unt' } };
const wanted = createBanSet(['192.0.2.10', '198.51.100.0/24', '2001:db8::7'].map((p) => parsePrefix(p)));

function deviceEntry(sim: SimulatedDevice, driver: string, settings: Record<string, unknown>): Promise<PushDevice> {
  const config = pushSchema.parse({
    devices: [simulatorDevice(sim, { name: 'fw1', driver, timeout: 5, username: 'netops', passwordEnv: 'PW', settings })],
  }).devices[0] as DeviceConfig;
  return resolveDevice(config, { PW: 'pw-c0unt' });
}

const push = (device: PushDevice) => pushToDevices([device], wanted, { log: silentLogger, guards: { allowEmpty: false, maxShrink: 1 } });

async function metricsOf(blocked: BlockedTraffic, metrics: ServeMetrics, at: number, device: PushDevice): Promise<string> {
  blocked.record(at, await push(device));
  return (await metrics.render()).body;
}

describe('push/blocked: Cisco and Junos hit counts through the CLI driver', function () {
  this.timeout(20_000);
  const closers: Array<() => Promise<void>> = [];
  afterEach(async () => {
    await Promise.all(closers.splice(0).map((c) => c()));
  });

  it('settings.counters is validated strictly: names that could carry a command, unknown keys, empty entries', () => {
    const parse = (driver: string, counters: unknown) => () =>
      pushSchema.parse({ devices: [{ name: 'fw1', driver, host: '127.0.0.1', settings: { counters } }] });
    expect(parse('cisco-asa', { acl: 'OUTSIDE-IN\nreload' })).to.throw(/an ACL name must start with a letter/);

    try {
      parse('cisco-asa', { acl: 'OUTSIDE-IN; reload' })();
    } catch (error) {
      expect((error as { issues: Array<{ path: unknown[] }> }).issues[0].path).to.deep.equal(['devices', 0, 'settings', 'counters', 'acl']);
    }
    expect(parse('cisco-asa', { acl: 'OUTSIDE-IN', extra: 1 })).to.throw(/extra/);
    expect(parse('cisco-ios', {})).to.throw(/acl \(IPv4\) or aclV6/);
    expect(parse('junos', { v4: { filter: 'APIBAN-IN', counter: 'x | display xml' } })).to.throw(/Junos filter or counter name/);
    expect(parse('junos', { v4: { filter: 'APIBAN-IN', counter: 'apiban-dropped' } })).not.to.throw();
    expect(() =>
      pushSchema.parse({ devices: [{ name: 'fw1', driver: 'cisco-asa', host: '127.0.0.1', settings: { groupName: 'bad name' } }] }),
    ).to.throw(/groupName/);
  });

  it('cisco-asa: the hitcnt of the entries referencing the groups, totals that survive a counter reset', async () => {
    const sim = await startCiscoAsa(AUTH);
    closers.push(() => sim.device.close());
    const acl = [
      { action: 'deny' as const, group: 'APIBAN-V4', hits: 0 },
      { action: 'deny' as const, group: 'APIBAN-V6', hits: 0 },
      { action: 'permit' as const, hits: 900 },
    ];
    sim.model.acls.set('OUTSIDE-IN', acl);
    const device = await deviceEntry(sim.device, 'cisco-asa', { counters: { acl: 'OUTSIDE-IN' } });
    const metrics = new ServeMetrics({ processMetrics: false });
    const blocked = new BlockedTraffic(metrics.registry);

    const [first] = await push(device);
    expect(first, first.error).to.include({ result: 'changed' });
    expect(first.blocked).to.deep.equal({ v4: { packets: 0 }, v6: { packets: 0 } });
    blocked.record(1, [first]);
    acl[0].hits = 1523;
    acl[1].hits = 7;
    let text = await metricsOf(blocked, metrics, 2, device);
    expect(text).to.include('apiban_exporter_blocked_packets_total{device="fw1",family="v4"} 1523');
    expect(text).to.include('apiban_exporter_blocked_packets_total{device="fw1",family="v6"} 7');
    expect(text, 'hit counts carry no bytes').not.to.match(/apiban_exporter_blocked_bytes_total\{device="fw1"/);

    // `clear access-list counters` (or a reload): the device starts again from zero.
    acl[0].hits = 20;
    text = await metricsOf(blocked, metrics, 3, device);
    expect(text).to.include('apiban_exporter_blocked_packets_total{device="fw1",family="v4"} 1543');
    expect(blocked.series.map((p) => p.packets)).to.deep.equal([0, 1530, 1550]);
  });

  it('cisco-ios: `N matches` from the IPv4 and the IPv6 ACL, zero when an entry never matched', async () => {
    const sim = await startCiscoIos(AUTH);
    closers.push(() => sim.device.close());
    sim.model.acls.set('APIBAN-IN', [
      { action: 'deny', group: 'APIBAN-V4', hits: 412 },
      { action: 'permit', hits: 98123 },
    ]);
    sim.model.acls.set('APIBAN6-IN', [
      { action: 'deny', group: 'APIBAN-V6', hits: 0 },
      { action: 'permit', hits: 5 },
    ]);
    const device = await deviceEntry(sim.device, 'cisco-ios', { counters: { acl: 'APIBAN-IN', aclV6: 'APIBAN6-IN' } });
    const [result] = await push(device);
    expect(result, result.error).to.include({ result: 'changed' });
    expect(result.blocked).to.deep.equal({ v4: { packets: 412 }, v6: { packets: 0 } });
    (sim.model.acls.get('APIBAN6-IN') as Array<{ hits: number }>)[0].hits = 3;
    expect((await push(device))[0].blocked).to.deep.equal({ v4: { packets: 412 }, v6: { packets: 3 } });
  });

  it('junos: the named filter counter per family, with bytes', async () => {
    const sim = await startJunos(AUTH);
    closers.push(() => sim.device.close());
    const counter = { bytes: 183040, packets: 2860 };
    sim.model.filters.set(
      'APIBAN-IN',
      new Map([
        ['apiban-dropped', counter],
        ['sip-accepted', { bytes: 9, packets: 1 }],
      ]),
    );
    const device = await deviceEntry(sim.device, 'junos', { counters: { v4: { filter: 'APIBAN-IN', counter: 'apiban-dropped' } } });
    const metrics = new ServeMetrics({ processMetrics: false });
    const blocked = new BlockedTraffic(metrics.registry);
    const [result] = await push(device);
    expect(result, result.error).to.include({ result: 'changed' });
    expect(result.blocked).to.deep.equal({ v4: { packets: 2860, bytes: 183040 } });
    blocked.record(1, [result]);
    counter.packets += 40;
    counter.bytes += 2560;
    const text = await metricsOf(blocked, metrics, 2, device);
    expect(text).to.include('apiban_exporter_blocked_packets_total{device="fw1",family="v4"} 2900');
    expect(text).to.include('apiban_exporter_blocked_bytes_total{device="fw1",family="v4"} 185600');
    expect(text).not.to.include('family="v6"');
  });

  it('reports nothing, not zero, without counters or when the named rule does not reference the lists', async () => {
    const sim = await startCiscoAsa(AUTH);
    closers.push(() => sim.device.close());
    sim.model.acls.set('OTHER', [{ action: 'permit', hits: 50 }]);
    const [plain] = await push(await deviceEntry(sim.device, 'cisco-asa', {}));
    expect(plain, plain.error).to.include({ result: 'changed' });
    expect(plain).not.to.have.property('blocked');
    const [unrelated] = await push(await deviceEntry(sim.device, 'cisco-asa', { counters: { acl: 'OTHER' } }));
    expect(unrelated, unrelated.error).to.include({ result: 'unchanged' });
    expect(unrelated).not.to.have.property('blocked');
  });
});

describe('cli push --json: blocked counts from a Cisco ASA', function () {
  this.timeout(20_000);

  it('prints what the named ACL counted, per family, on each push', async () => {
    const sim = await startCiscoAsa({ auth: { username: 'ops', password: 'r-pw-77' } });
    try {
      sim.model.acls.set('OUTSIDE-IN', [
        { action: 'deny', group: 'APIBAN-V4', hits: 31 },
        { action: 'permit', hits: 2 },
      ]);
      const dir = mkdtempSync(join(tmpdir(), 'apiban-push-counters-'));
      const config = join(dir, 'config.yaml');
      writeFileSync(
        config,
        stringify({
          sources: [{ name: 'sample', sample: true }],
          push: {
            devices: [
              simulatorDevice(sim.device, {
                name: 'asa1',
                driver: 'cisco-asa',
                passwordEnv: 'ROUTER_PW',
                settings: { counters: { acl: 'OUTSIDE-IN' } },
              }),
            ],
          },
        }),
      );
      const env = { APIBAN_STATE_DIR: join(dir, 'state'), ROUTER_PW: 'r-pw-77' };
      const first = await runCli(['-c', config, '--json', 'push', '--all'], { env });
      expect(first.code, first.stderr).to.equal(0);
      expect((JSON.parse(first.stdout) as DeviceResult[])[0].blocked).to.deep.equal({ v4: { packets: 31 } });
      (sim.model.acls.get('OUTSIDE-IN') as Array<{ hits: number }>)[0].hits = 45;
      const again = await runCli(['-c', config, '--json', 'push', '--all', '--no-sync'], { env });
      expect((JSON.parse(again.stdout) as DeviceResult[])[0]).to.deep.include({ result: 'unchanged', blocked: { v4: { packets: 45 } } });
    } finally {
      await sim.device.close();
    }
  });
});
