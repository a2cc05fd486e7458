/**
 * Every writer of the registry, imported statically: for what may render any target at any time
 * (`serve`'s outputs and its render worker, the push drivers' dialects, the tests). A command that
 * knows its target loads only that one through `loadTarget` (targets/index.ts). Static imports,
 * not a top-level `await loadTargets()`: the CLI is bundled as one CommonJS file (so V8 can start
 * it from a code cache, see scripts/bundle-cli.mjs), and CommonJS has no top-level await.
 */
import type { AnyTargetWriter } from '../src/writers/contract.js';
import { TARGET_NAMES, type TargetName, type TargetWriterOf } from './index.js';
import ciscoAsa from './cisco-asa.js';
import ciscoFmc from './cisco-fmc.js';
import ciscoIos from './cisco-ios.js';
import fortigate from './fortigate.js';
import ipset from './ipset.js';
import iptables from './iptables.js';
import junos from './junos.js';
import junosAddressSet from './junos-address-set.js';
import junosSrxFeed from './junos-srx-feed.js';
import mikrotik from './mikrotik.js';
import nftables from './nftables.js';
import opnsense from './opnsense.js';
import opnsenseAliasJson from './opnsense-alias-json.js';
import paloaltoEdl from './paloalto-edl.js';
import pfsense from './pfsense.js';
import pfsenseAliasXml from './pfsense-alias-xml.js';
import plain from './plain.js';

export { TARGET_NAMES, writtenFamilies } from './index.js';

/** One writer per registry name: the type refuses a name missing here or one the registry lacks. */
const WRITERS: { readonly [N in TargetName]: TargetWriterOf<N> } = {
  plain,
  pfsense,
  opnsense,
  'cisco-asa': ciscoAsa,
  'cisco-fmc': ciscoFmc,
  'cisco-ios': ciscoIos,
  fortigate,
  ipset,
  iptables,
  junos,
  'junos-address-set': junosAddressSet,
  'junos-srx-feed': junosSrxFeed,
  mikrotik,
  nftables,
  'opnsense-alias-json': opnsenseAliasJson,
  'paloalto-edl': paloaltoEdl,
  'pfsense-alias-xml': pfsenseAliasXml,
};

/** In the registry's order. */
export const TARGETS: ReadonlyMap<string, AnyTargetWriter> = new Map(TARGET_NAMES.map((name) => [name, WRITERS[name]]));

export function getTarget(name: string): AnyTargetWriter | undefined {
  return TARGETS.get(name);
}
