/**
 * A Cisco ASA: `asa> ` / `asa# ` / `asa(config)# ` / `asa(config-network)# `, `<--- More --->`
 * until `terminal pager 0`, `object-group network` with `network-object host A`,
 * `network-object A MASK` and IPv6 `network-object X/len` (ansible-collections cisco.asa
 * asa_ogs tests, Netspoc IPv6 output). ASA errors start with `ERROR: `.
 */
import { formatAddress, formatNetmask, isHost, parsePrefix } from '../../src/banset/address.js';
import { CiscoCli, CiscoModel, maskLength, strictPrefix, type CiscoFlavor, type CiscoSimOptions } from './sim-cisco.js';
import { asaAccessList } from './sim-counters.js';
import { startSshDevice, type SimulatedDevice, type SimulatorOptions } from './ssh-device.js';

export const ASA_FLAVOR: CiscoFlavor = {
  hostname: 'asa',
  promptGap: ' ',
  pager: '<--- More --->',
  pagingOff: /^terminal pager (lines )?0$/,
  errorPrefix: 'ERROR: ',
  groupHeader(line) {
    const match = /^object-group network (\S+)$/.exec(line);
    return match === null ? undefined : { name: match[1], v6: false };
  },
  groupMode: () => 'config-network',
  // ASA groups may mix families, so the group's own family is ignored.
  parseMember(line) {
    const host = /^network-object host (\S+)$/.exec(line);
    if (host !== null) return strictPrefix(host[1], host[1].includes(':') ? 128 : 32);
    const cidr = /^network-object (\S+:\S*)\/(\d+)$/.exec(line);
    if (cidr !== null) return strictPrefix(cidr[1], cidr[2]);
    const masked = /^network-object (\S+) (\S+)$/.exec(line);
    const length = masked === null ? undefined : maskLength(masked[2]);
    return masked === null || length === undefined ? undefined : strictPrefix(masked[1], length);
  },
  renderGroup(name, group) {
    const members = [...group.entries].sort().map((text) => {
      const p = parsePrefix(text);
      if (isHost(p)) return ` network-object host ${formatAddress(p)}`;
      return p.family === 6
        ? ` network-object ${formatAddress(p)}/${p.length}`
        : ` network-object ${formatAddress(p)} ${formatNetmask(p.length)}`;
    });
    return [`object-group network ${name}`, ...members];
  },
  show(command, model) {
    const acl = /^show access-list (\S+)$/.exec(command);
    if (acl !== null)
      return asaAccessList(acl[1], model.acls.get(acl[1]) ?? [], (g) =>
        ASA_FLAVOR.renderGroup(g, model.groups.get(g) ?? { v6: false, entries: new Set() })
          .slice(1)
          .map((l) => l.replace(' network-object ', '')),
      );
    const match = /^show running-config object-group(?: network)?(?: id (\S+))?$/.exec(command);
    if (match === null) return undefined;
    const lines: string[] = [];
    for (const [name, group] of model.groups)
      if (match[1] === undefined || match[1] === name) lines.push(...ASA_FLAVOR.renderGroup(name, group));
    return lines.map((l) => `${l}\n`).join('');
  },
};

export interface AsaSimulator {
  device: SimulatedDevice;
  model: CiscoModel;
}

export async function startCiscoAsa(ssh: SimulatorOptions, options: CiscoSimOptions = {}, model = new CiscoModel()): Promise<AsaSimulator> {
  const device = await startSshDevice(() => new CiscoCli(ASA_FLAVOR, model, options), ssh);
  return { device, model };
}
