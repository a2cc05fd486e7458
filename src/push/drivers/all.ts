/**
 * Every driver of the registry, imported statically: for `push`, which resolves the devices its
 * selector picks, and the tests. Validating a configuration loads only the drivers it names
 * (src/push/drivers/index.ts). Static imports rather than a top-level await, for the same reason
 * as targets/all.ts: the CLI bundle is CommonJS.
 */
import ciscoAsa from '../../../targets/cisco-asa.js';
import ciscoIos from '../../../targets/cisco-ios.js';
import junos from '../../../targets/junos.js';
import { createCliDriver } from '../cli-driver.js';
import type { AnyDeviceDriver } from '../driver.js';
import { DRIVER_NAMES, type DeviceDriverOf, type DriverName } from './index.js';
import iptablesApi from './iptables-api.js';
import linuxIpset from './linux-ipset.js';
import linuxNftables from './linux-nftables.js';
import opnsenseApi from './opnsense-api.js';
import pf from './pf.js';

/** One driver per registry name: the type refuses a name missing here or one the registry lacks. */
const DRIVERS_BY_NAME: { readonly [N in DriverName]: DeviceDriverOf<N> } = {
  'cisco-asa': createCliDriver(ciscoAsa),
  'cisco-ios': createCliDriver(ciscoIos),
  junos: createCliDriver(junos),
  'opnsense-api': opnsenseApi,
  'iptables-api': iptablesApi,
  'linux-nftables': linuxNftables,
  'linux-ipset': linuxIpset,
  pf,
};

/** In the registry's order. */
export const DRIVERS: ReadonlyMap<string, AnyDeviceDriver> = new Map(DRIVER_NAMES.map((name) => [name, DRIVERS_BY_NAME[name]]));
