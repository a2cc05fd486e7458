/**
 * The driver registry: the one map from `driver:` name to the module that makes the driver,
 * loaded when a device names it (validating a config with one pfSense device loads pf.ts and its
 * SSH code, not the OPNsense API client). Every target writer with a `device` dialect (cisco-ios,
 * cisco-asa, junos) gets the generic CLI driver under its own name (a test fails when one is
 * missing here); shell and HTTP drivers are listed one per line. Config validation, `push --help`
 * and docs/push-drivers.md derive from this map; the map of settings types is read off the
 * drivers themselves.
 */
import { loadTarget, type TargetName, type TargetOptionsMap } from '../../../targets/index.js';
import type { AnyDeviceDriver, DeviceDriver } from '../driver.js';
import type iptablesApi from './iptables-api.js';
import type linuxIpset from './linux-ipset.js';
import type linuxNftables from './linux-nftables.js';
import type opnsenseApi from './opnsense-api.js';
import type pf from './pf.js';

type SettingsOf<D> = D extends DeviceDriver<infer S> ? S : never;

/** Driver name -> the settings its schema yields (for CLI drivers: the target's options). */
export interface DriverSettingsMap {
  'cisco-asa': TargetOptionsMap['cisco-asa'];
  'cisco-ios': TargetOptionsMap['cisco-ios'];
  junos: TargetOptionsMap['junos'];
  'opnsense-api': SettingsOf<typeof opnsenseApi>;
  'iptables-api': SettingsOf<typeof iptablesApi>;
  'linux-nftables': SettingsOf<typeof linuxNftables>;
  'linux-ipset': SettingsOf<typeof linuxIpset>;
  pf: SettingsOf<typeof pf>;
}

export type DriverName = keyof DriverSettingsMap;
export type DeviceDriverOf<N extends DriverName> = DeviceDriver<DriverSettingsMap[N]>;

/** In the order `push --drivers-markdown` lists them: the CLI drivers in the targets' order first. */
const DRIVER_MODULES: { readonly [N in DriverName]: () => Promise<DeviceDriverOf<N>> } = {
  'cisco-asa': () => cliDriver('cisco-asa'),
  'cisco-ios': () => cliDriver('cisco-ios'),
  junos: () => cliDriver('junos'),
  'opnsense-api': async () => (await import('./opnsense-api.js')).default,
  'iptables-api': async () => (await import('./iptables-api.js')).default,
  'linux-nftables': async () => (await import('./linux-nftables.js')).default,
  'linux-ipset': async () => (await import('./linux-ipset.js')).default,
  pf: async () => (await import('./pf.js')).default,
};

async function cliDriver<N extends TargetName & DriverName>(name: N): Promise<DeviceDriver<TargetOptionsMap[N]>> {
  const [writer, { createCliDriver }] = await Promise.all([loadTarget(name), import('../cli-driver.js')]);
  return createCliDriver(writer);
}

export function isDriverName(name: string): name is DriverName {
  return Object.hasOwn(DRIVER_MODULES, name);
}

export const DRIVER_NAMES: readonly DriverName[] = Object.keys(DRIVER_MODULES).filter(isDriverName);

export function loadDriver<N extends DriverName>(name: N): Promise<DeviceDriverOf<N>> {
  return DRIVER_MODULES[name]();
}

/** The drivers of `names` that are drivers (all of them by default), in the registry's order. */
export async function loadDrivers(names: readonly string[] = DRIVER_NAMES): Promise<ReadonlyMap<DriverName, AnyDeviceDriver>> {
  const wanted = DRIVER_NAMES.filter((name) => names.includes(name));
  const drivers: AnyDeviceDriver[] = await Promise.all(wanted.map((name) => loadDriver(name)));
  return new Map(wanted.map((name, i) => [name, drivers[i]]));
}
