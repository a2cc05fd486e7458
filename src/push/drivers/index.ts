/**
 * The driver registry: the one map from `driver:` name to driver. Every target writer with a
 * `device` dialect (cisco-ios, cisco-asa, junos ...) gets the generic CLI driver under its own
 * name; shell and HTTP drivers are listed one per line. Config validation and `push --help`
 * derive from this map.
 */
import { TARGETS } from '../../../targets/index.js';
import { createCliDriver, hasDialect } from '../cli-driver.js';
import type { AnyDeviceDriver } from '../driver.js';
import iptablesApi from './iptables-api.js';
import linuxIpset from './linux-ipset.js';
import linuxNftables from './linux-nftables.js';
import opnsenseApi from './opnsense-api.js';
import pf from './pf.js';

const cliDrivers: AnyDeviceDriver[] = [...TARGETS.values()].filter(hasDialect).map((writer) => createCliDriver(writer));

export const DRIVERS: ReadonlyMap<string, AnyDeviceDriver> = new Map(
  [...cliDrivers, opnsenseApi, iptablesApi, linuxNftables, linuxIpset, pf].map((driver) => [driver.name, driver]),
);
