/**
 * cisco-asa: ASA `object-group network` groups with `network-object host A.B.C.D` /
 * `network-object NET MASK` for IPv4 and prefix notation for IPv6 (`network-object host
 * 2001:db8::1`, `network-object 2001:db8::/32`). Sources: ansible-collections/cisco.asa
 * plugins/modules/asa_ogs.py (rendered commands), hknutzen/Netspoc go/testdata/ipv6 (IPv6 form),
 * and the ASA firewall configuration guide, "Guidelines for Objects" (cisco.com asa922
 * access-objects.html): "Object names are limited to 64 characters, including letters, numbers,
 * and these characters: .!@#$%^&()-_{}" and "You cannot remove an object or make an object empty
 * if it is used in a command". We allow the safe subset letters, digits, "_", "-", ".".
 * IPv4 and IPv6 could share a group on ASA 9.x, but a mixed group cannot be used for NAT, so
 * they are kept apart (ASA firewall configuration guide, "Objects for Access Control", IPv6 guidelines).
 *
 *   object-group network APIBAN-V4
 *    network-object host 192.0.2.10
 *    network-object 198.51.100.0 255.255.255.0
 *
 * An empty group holds a placeholder host. Device dialect: `show running-config object-group
 * network`, then add before remove inside each group.
 */
import * as z from 'zod';
import { TEXT_PLAIN } from '../src/writers/common.js';
import { defineTarget } from '../src/writers/contract.js';
import { ciscoDialect, ciscoOptionFields, DISTINCT_GROUP_NAMES, renderCiscoGroups, type CiscoGroup } from '../src/writers/cisco.js';

const options = z.strictObject(ciscoOptionFields(64)).refine(...DISTINCT_GROUP_NAMES);
type CiscoAsaOptions = z.infer<typeof options>;

function groups(o: CiscoAsaOptions): CiscoGroup[] {
  return [
    { family: 4, header: `object-group network ${o.groupName}`, memberPrefix: 'network-object ' },
    { family: 6, header: `object-group network ${o.groupNameV6}`, memberPrefix: 'network-object ' },
  ];
}

export default defineTarget<CiscoAsaOptions>({
  name: 'cisco-asa',
  summary: 'Cisco ASA object-group network with network-object lines (SSH push: diff, add before remove)',
  options,
  families: 'both',
  aggregateByDefault: true,
  http: { contentType: TEXT_PLAIN, extension: '.txt' },
  render: (bans, o) => renderCiscoGroups(bans, groups(o), o, ''),
  // Lists every network group; the parser keeps the two managed ones.
  device: ciscoDialect<CiscoAsaOptions>(['terminal pager 0'], () => 'show running-config object-group network', groups),
});
