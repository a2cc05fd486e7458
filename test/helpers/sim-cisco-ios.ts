/**
 * A Cisco IOS / IOS-XE router: `Router>` / `Router#` / `Router(config)#` /
 * `Router(config-network-group)#`, `--More--` until `terminal length 0`, object groups
 * `object-group network` (`host A`, `A MASK`) and `object-group v6-network` (`host X`, `X/len`)
 * as in cisco.com "Object Groups for ACLs" (and genielibs iosxe/ogacl). IOS prints IPv6 in upper case.
 */
import { formatAddress, formatNetmask, isHost, parsePrefix } from '../../src/banset/address.js';
import { CiscoCli, CiscoModel, maskLength, strictPrefix, type CiscoFlavor, type CiscoSimOptions } from './sim-cisco.js';
import { iosAccessList } from './sim-counters.js';
import { startSshDevice, type SimulatedDevice, type SimulatorOptions } from './ssh-device.js';

export const IOS_FLAVOR: CiscoFlavor = {
  hostname: 'Router',
  promptGap: '',
  pager: ' --More-- ',
  pagingOff: /^terminal length 0$/,
  errorPrefix: '',
  groupHeader(line) {
    const match = /^object-group (network|v6-network) (\S+)$/.exec(line);
    return match === null ? undefined : { name: match[2], v6: match[1] === 'v6-network' };
  },
  groupMode: (v6) => (v6 ? 'config-ipv6-network-group' : 'config-network-group'),
  parseMember(line, v6) {
    const host = /^host (\S+)$/.exec(line);
    if (host !== null) return strictPrefix(host[1], v6 ? 128 : 32);
    if (v6) {
      const cidr = /^(\S+)\/(\d+)$/.exec(line);
      return cidr === null ? undefined : strictPrefix(cidr[1], cidr[2]);
    }
    const masked = /^(\S+) (\S+)$/.exec(line);
    const length = masked === null ? undefined : maskLength(masked[2]);
    return masked === null || length === undefined ? undefined : strictPrefix(masked[1], length);
  },
  renderGroup(name, group) {
    const members = [...group.entries].sort().map((text) => {
      const p = parsePrefix(text);
      const address = p.family === 6 ? formatAddress(p).toUpperCase() : formatAddress(p);
      if (isHost(p)) return ` host ${address}`;
      return p.family === 6 ? ` ${address}/${p.length}` : ` ${address} ${formatNetmask(p.length)}`;
    });
    return [`object-group ${group.v6 ? 'v6-network' : 'network'} ${name}`, ...members];
  },
  show(command, model) {
    const acl = /^show (ip access-lists|ipv6 access-list) (\S+)$/.exec(command);
    if (acl !== null) return iosAccessList(acl[2], model.acls.get(acl[2]) ?? [], acl[1].startsWith('ipv6'));
    const match = /^show object-group name (\S+)$/.exec(command);
    if (match === null) return undefined;
    const group = model.groups.get(match[1]);
    if (group === undefined) return '';
    const [, ...members] = IOS_FLAVOR.renderGroup(match[1], group);
    return [`${group.v6 ? 'V6-Network' : 'Network'} object group ${match[1]}`, ...members].map((l) => `${l}\n`).join('');
  },
};

export interface IosSimulator {
  device: SimulatedDevice;
  model: CiscoModel;
}

export async function startCiscoIos(ssh: SimulatorOptions, options: CiscoSimOptions = {}, model = new CiscoModel()): Promise<IosSimulator> {
  const device = await startSshDevice(() => new CiscoCli(IOS_FLAVOR, model, options), ssh);
  return { device, model };
}
