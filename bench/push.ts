/**
 * Push bench (issue #5): a 10-entry change (5 added, 5 removed) pushed to 50 simulated devices
 * (Cisco IOS, ASA and Junos simulators from test/helpers, over real SSH on 127.0.0.1) that each
 * hold 10,000 entries. Reports the total time and the configuration lines sent per device.
 * Bars: lines sent <= change + a small constant; 50 devices in < 30 s.
 */
import { parsePrefix, formatIPv4 } from '../src/banset/address.js';
import { createBanSet } from '../src/banset/banset.js';
import { silentLogger } from '../src/log.js';
import { pushSchema, type DeviceConfig } from '../src/config/push-schema.js';
import { resolveDevice } from '../src/push/devices.js';
import { pushToDevices } from '../src/push/run.js';
import { startCiscoAsa } from '../test/helpers/sim-cisco-asa.js';
import { startCiscoIos } from '../test/helpers/sim-cisco-ios.js';
import { startJunos } from '../test/helpers/sim-junos.js';
import type { SimulatedDevice } from '../test/helpers/ssh-device.js';
import type { Report } from './report.js';

const DEVICES = 50;
const ENTRIES = 10_000;
const CHANGE = 5;
const AUTH = { auth: { username: 'bench', password: 'bench-pw' } };

/** Odd host addresses from 45.0.0.0, so aggregation (on for Cisco and Junos) keeps every one apart. */
function hosts(from: number, count: number): string[] {
  return Array.from({ length: count }, (_, i) => formatIPv4(0x2d000000 + 2 * (from + i) + 1));
}

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
      sim.model.seed('APIBAN', held.map((h) => `${h}/32`));
      fleet.push({ device: sim.device, driver: 'junos' });
    }
  }
  return fleet;
}

export async function benchPush(report: Report): Promise<void> {
  const held = hosts(0, ENTRIES);
  const wanted = createBanSet([...held.slice(CHANGE), ...hosts(ENTRIES, CHANGE)].map((h) => parsePrefix(h)));
  const fleet = await startFleet(held);
  try {
    const devices = fleet.map(({ device, driver }, i) => resolveDevice(pushSchema.parse({
      devices: [{
        name: `${driver}-${i}`, driver, host: device.host, port: device.port, timeout: 60,
        credentials: { username: 'bench', password: 'bench-pw' }, hostKey: { fingerprint: device.fingerprint },
        settings: driver === 'junos' ? { commitConfirmedMinutes: 0 } : {},
      }],
    }).devices[0] as DeviceConfig, {}));
    const started = performance.now();
    const results = await pushToDevices(devices, wanted, { log: silentLogger, guards: { allowEmpty: false, maxShrink: 0.5 } });
    const seconds = (performance.now() - started) / 1000;
    report('push: 10-entry change to 50 devices holding 10,000 entries each', ['cisco-ios', 'cisco-asa', 'junos'].map((driver) => {
      const mine = results.filter((r) => r.driver === driver);
      const sent = mine.map((r) => r.sent);
      return {
        driver, devices: mine.length, changed: mine.filter((r) => r.result === 'changed').length,
        'lines sent/device (min-max)': `${Math.min(...sent)}-${Math.max(...sent)}`, change: CHANGE * 2,
        'fleet total (s)': seconds.toFixed(1), bar: 'lines <= change + small constant; fleet < 30 s',
      };
    }));
  } finally {
    await Promise.all(fleet.map(({ device }) => device.close()));
  }
}
