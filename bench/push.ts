/**
 * Push bench (issue #5): a 10-entry change (5 added, 5 removed) pushed to 50 simulated devices
 * (Cisco IOS, ASA and Junos simulators from test/helpers, over real SSH on 127.0.0.1) that each
 * hold 10,000 entries. Reports the total time and the configuration lines sent per device.
 * Bars: lines sent <= change + a small constant; 50 devices in < 30 s.
 *
 * Then bytes per push for the file-based drivers (linux-nftables, linux-ipset over the real
 * OpenSSH into a network namespace): the same 10-entry change to a kernel set of 100,000 entries
 * uploads only the difference. Skipped where namespaces or sshd are not available (needs root).
 */
import { parsePrefix } from '../src/banset/address.js';
import { createBanSet } from '../src/banset/banset.js';
import { silentLogger } from '../src/log.js';
import type { DeviceConfig } from '../src/config/push-schema.js';
import { pushSchema } from '../test/helpers/config-schema.js';
import { resolveDevice } from '../src/push/devices.js';
import { pushToDevices } from '../src/push/run.js';
import { startCiscoAsa } from '../test/helpers/sim-cisco-asa.js';
import { startCiscoIos } from '../test/helpers/sim-cisco-ios.js';
import { startJunos } from '../test/helpers/sim-junos.js';
import type { SimulatedDevice } from '../test/helpers/ssh-device.js';
import { mkdirSync } from 'node:fs';
import { join } from 'node:path';
import type { BanSet } from '../src/banset/banset.js';
import type { AnyDeviceDriver } from '../src/push/driver.js';
import linuxIpsetDriver from '../src/push/drivers/linux-ipset.js';
import linuxNftablesDriver from '../src/push/drivers/linux-nftables.js';
import { NetworkNamespace, netnsUnavailable } from '../test/helpers/netns.js';
import { OpenSshServer, openSshUnavailable } from '../test/helpers/openssh.js';
import { oddHosts } from './generate.js';
import type { Report } from './report.js';

const DEVICES = 50;
const ENTRIES = 10_000;
const CHANGE = 5;
const AUTH = { auth: { username: 'bench', password: 'bench-pw' } };

async function startFleet(held: string[]): Promise<{ device: SimulatedDevice; driver: string }[]> {
  const fleet: { device: SimulatedDevice; driver: string }[] = [];
  for (let i = 0; i < DEVICES; i++) {
    const kind = i % 3;
    if (kind === 0) {
      const sim = await startCiscoIos(AUTH);
      sim.model.seed('APIBAN-V4', false, held);
      fleet.push({ device: sim.device, driver: 'cisco-ios' });
    } else if (kind === 1) {
      const sim = await startCiscoAsa(AUTH);
      sim.model.seed('APIBAN-V4', false, held);
      fleet.push({ device: sim.device, driver: 'cisco-asa' });
    } else {
      const sim = await startJunos(AUTH);
      sim.model.seed(
        'APIBAN',
        held.map((h) => `${h}/32`),
      );
      fleet.push({ device: sim.device, driver: 'junos' });
    }
  }
  return fleet;
}

export async function benchPush(report: Report): Promise<void> {
  const held = oddHosts(0, ENTRIES);
  const wanted = createBanSet([...held.slice(CHANGE), ...oddHosts(ENTRIES, CHANGE)].map((h) => parsePrefix(h)));
  const fleet = await startFleet(held);
  try {
    const devices = await Promise.all(
      fleet.map(({ device, driver }, i) =>
        resolveDevice(
          pushSchema.parse({
            devices: [
              {
                name: `${driver}-${i}`,
                driver,
                host: device.host,
                port: device.port,
                timeout: 60,
                credentials: { username: 'bench', password: 'bench-pw' },
                hostKey: { fingerprint: device.fingerprint },
                settings: driver === 'junos' ? { commitConfirmedMinutes: 0 } : {},
              },
            ],
          }).devices[0] as DeviceConfig,
          {},
        ),
      ),
    );
    const started = performance.now();
    const results = await pushToDevices(devices, wanted, { log: silentLogger, guards: { allowEmpty: false, maxShrink: 0.5 } });
    const seconds = (performance.now() - started) / 1000;
    report(
      'push: 10-entry change to 50 devices holding 10,000 entries each',
      ['cisco-ios', 'cisco-asa', 'junos'].map((driver) => {
        const mine = results.filter((r) => r.driver === driver);
        const sent = mine.map((r) => r.sent);
        return {
          driver,
          devices: mine.length,
          changed: mine.filter((r) => r.result === 'changed').length,
          'lines sent/device (min-max)': `${Math.min(...sent)}-${Math.max(...sent)}`,
          change: CHANGE * 2,
          'fleet total (s)': seconds.toFixed(1),
          bar: 'lines <= change + small constant; fleet < 30 s',
        };
      }),
    );
  } finally {
    await Promise.all(fleet.map(({ device }) => device.close()));
  }
  await benchPushBytes(report);
}

const KERNEL_ENTRIES = 100_000;

/** First push fills the kernel set (the whole file), the second sends the 10-entry change. */
async function benchPushBytes(report: Report): Promise<void> {
  const missing = openSshUnavailable() ?? netnsUnavailable(['nft', 'ipset']);
  if (missing !== undefined) return report('push: bytes per push, 10-entry change to a 100,000-entry kernel set', [{ skipped: missing }]);
  const ns = NetworkNamespace.create('bench');
  const server = await new OpenSshServer({ runner: `ip netns exec ${ns.name} /bin/sh -c` }).start();
  const tempDir = join(server.dir, 'upload');
  mkdirSync(tempDir);
  try {
    const held = createBanSet(oddHosts(0, KERNEL_ENTRIES).map((h) => parsePrefix(h)));
    const changed = createBanSet(
      [...oddHosts(CHANGE, KERNEL_ENTRIES - CHANGE), ...oddHosts(KERNEL_ENTRIES, CHANGE)].map((h) => parsePrefix(h)),
    );
    const rows = [];
    for (const driver of [linuxNftablesDriver, linuxIpsetDriver] as AnyDeviceDriver[]) {
      const device = {
        config: {} as DeviceConfig,
        driver,
        endpoint: {
          name: driver.name,
          host: '127.0.0.1',
          port: server.port,
          credentials: server.credentials(),
          hostKey: { fingerprints: [server.fingerprint] },
          timeoutMs: 300_000,
          settings: driver.settings.parse({ tempDir }),
        },
      };
      const fill = await pushTimed(device, held);
      const change = await pushTimed(device, changed);
      rows.push({
        driver,
        'first push (bytes)': fill.bytes,
        'change (bytes)': change.bytes,
        'change (entries sent)': change.sent,
        'change (s)': change.seconds,
        result: change.result,
        bar: 'change < 1 KB (a few hundred bytes)',
      });
    }
    report(
      'push: bytes per push, 10-entry change to a 100,000-entry kernel set',
      rows.map((r) => ({ ...r, driver: r.driver.name })),
    );
  } finally {
    await server.stop();
    ns.remove();
  }
}

async function pushTimed(device: Parameters<typeof pushToDevices>[0][number], wanted: BanSet) {
  const started = performance.now();
  const [result] = await pushToDevices([device], wanted, { log: silentLogger, guards: { allowEmpty: false, maxShrink: 0.5 } });
  if (result.result === 'failed') throw new Error(`${device.driver.name}: ${result.error}`);
  return { bytes: result.bytes ?? 0, sent: result.sent, result: result.result, seconds: ((performance.now() - started) / 1000).toFixed(1) };
}
