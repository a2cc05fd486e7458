/**
 * The driver registry: the one map from `driver:` name to the module that makes the driver,
 * loaded when a device names it (validating a config with one pfSense device loads pf.ts and its
 * SSH code, not the OPNsense API client). Every target writer with a `device` dialect (cisco-ios,
 * cisco-asa, junos) gets the generic CLI driver under its own name (a test fails when one is
 * missing here); shell and HTTP drivers are listed one per line. Config validation, `push --help`
 * and docs/push-drivers.md derive from this map, and so does the map of settings types.
 * Adding a driver = one file here + one line in DRIVER_MODULES.
 */
import { loadTarget, type TargetName, type TargetOptionsMap } from '../../../targets/index.js';
import type { AnyDeviceDriver, DeviceDriver } from '../driver.js';

/**
 * In the order `push --drivers-markdown` lists them: the CLI drivers in the targets' order first.
 * Each line resolves to a module whose default export is the driver; a literal `import()` keeps
 * the module lazy in the CLI bundle (scripts/bundle-cli.mjs) and its type readable by tsc.
 */
const DRIVER_MODULES = {
  'cisco-asa': () => cliDriver('cisco-asa'),
  'cisco-ios': () => cliDriver('cisco-ios'),
  junos: () => cliDriver('junos'),
  'opnsense-api': () => import('./opnsense-api.js'),
  'iptables-api': () => import('./iptables-api.js'),
  'linux-nftables': () => import('./linux-nftables.js'),
  'linux-ipset': () => import('./linux-ipset.js'),
  pf: () => import('./pf.js'),
} satisfies Record<string, () => Promise<{ default: AnyDeviceDriver }>>;

/** The generic SSH CLI driver for a target with a `device` dialect, shaped as a driver module. */
async function cliDriver<N extends TargetName>(name: N): Promise<{ default: DeviceDriver<TargetOptionsMap[N]> }> {
  const [writer, { createCliDriver }] = await Promise.all([loadTarget(name), import('../cli-driver.js')]);
  return { default: createCliDriver(writer) };
}

type SettingsOf<D> = D extends DeviceDriver<infer S> ? S : never;

export type DriverName = keyof typeof DRIVER_MODULES;

/** Driver name -> the settings its schema yields (for CLI drivers: the target's options). */
export type DriverSettingsMap = { [N in DriverName]: SettingsOf<Awaited<ReturnType<(typeof DRIVER_MODULES)[N]>>['default']> };

export type DeviceDriverOf<N extends DriverName> = DeviceDriver<DriverSettingsMap[N]>;

/** The same map, seen name by name: what lets loadDriver's result keep its own settings type. */
const LOADERS: { readonly [N in DriverName]: () => Promise<{ default: DeviceDriverOf<N> }> } = DRIVER_MODULES;

export function isDriverName(name: string): name is DriverName {
  return Object.hasOwn(DRIVER_MODULES, name);
}

export const DRIVER_NAMES: readonly DriverName[] = Object.keys(DRIVER_MODULES).filter(isDriverName);

export async function loadDriver<N extends DriverName>(name: N): Promise<DeviceDriverOf<N>> {
  return (await LOADERS[name]()).default;
}

/**
 * The drivers of `names` that are drivers (all of them by default), in the registry's order: what
 * needs every driver (the generated docs, the tests) awaits this rather than importing them all.
 */
export async function loadDrivers(names: readonly string[] = DRIVER_NAMES): Promise<ReadonlyMap<string, AnyDeviceDriver>> {
  const wanted = DRIVER_NAMES.filter((name) => names.includes(name));
  const drivers: AnyDeviceDriver[] = await Promise.all(wanted.map((name) => loadDriver(name)));
  return new Map(wanted.map((name, i) => [name, drivers[i]]));
}

/** The driver of `name` when it is a registry name; undefined for any other name. */
export function findDriver(name: string): Promise<AnyDeviceDriver | undefined> {
  return isDriverName(name) ? loadDriver(name) : Promise.resolve(undefined);
}
