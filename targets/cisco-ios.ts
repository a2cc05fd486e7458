/**
 * cisco-ios: IOS / IOS-XE object-groups, `object-group network` for IPv4 (`host A.B.C.D`,
 * `A.B.C.D MASK` with a dotted mask) and `object-group v6-network` for IPv6 (`host X:X::X`,
 * `X:X::/len`), two separate groups as IOS requires. Syntax from the IOS-XE OGACL API wrappers
 * (CiscoTestAutomation/genielibs sdk/apis/iosxe/ogacl/configure.py) and cisco.com "Object Groups
 * for ACLs" (sec-zbf-ogacl); group names per the IOS-XE data model (netascode.cisco.com,
 * `^[A-Za-z0-9-_]{1,63}$`; we also allow "." and require a leading letter). The
 * empty-group rule is cisco.com's too (sec-zbf-ogacl, "Restrictions for Object Groups for ACLs").
 *
 * Both groups are always written, an empty one holding a placeholder host (192.0.2.255 and
 * 2001:db8::ffff, documentation space, by default): IOS refuses an empty group an ACL uses.
 * The optional ACL + interface snippet (off by default) shows how the groups are applied.
 *
 *   object-group network APIBAN-V4
 *    host 192.0.2.10
 *    198.51.100.0 255.255.255.0
 *
 * Device dialect: reads the groups with `show running-config | section`, adds before it removes.
 */
import * as z from 'zod';
import { TEXT_PLAIN } from '../src/writers/common.js';
import { defineTarget } from '../src/writers/contract.js';
import {
  ciscoDialect,
  ciscoName,
  ciscoOptionFields,
  DISTINCT_GROUP_NAMES,
  renderCiscoGroups,
  type CiscoGroup,
} from '../src/writers/cisco.js';

const aclOptions = z.strictObject({
  name: ciscoName(63, 'APIBAN-IN', 'IPv4 extended ACL name'),
  nameV6: ciscoName(63, 'APIBAN6-IN', 'IPv6 ACL name'),
  interface: z
    .string()
    .regex(/^[A-Za-z][A-Za-z0-9/.:-]{0,63}$/, 'interface must look like GigabitEthernet0/0/0')
    .nullable()
    .default(null)
    .describe('interface the ACLs are applied to inbound; null writes the ACLs only'),
});

const options = z
  .strictObject({
    ...ciscoOptionFields(63),
    acl: aclOptions
      .nullable()
      .default(null)
      .describe('also write deny ACLs for the groups (and apply them to an interface); off by default'),
  })
  .refine(...DISTINCT_GROUP_NAMES);
type CiscoIosOptions = z.infer<typeof options>;

function groups(o: CiscoIosOptions): CiscoGroup[] {
  return [
    { family: 4, header: `object-group network ${o.groupName}`, memberPrefix: '' },
    { family: 6, header: `object-group v6-network ${o.groupNameV6}`, memberPrefix: '' },
  ];
}

function aclLines(o: CiscoIosOptions, acl: NonNullable<CiscoIosOptions['acl']>): string[] {
  const lines = [
    `ip access-list extended ${acl.name}`,
    ` deny ip object-group ${o.groupName} any`,
    ' permit ip any any',
    '!',
    `ipv6 access-list ${acl.nameV6}`,
    ` deny ipv6 object-group ${o.groupNameV6} any`,
    ' permit ipv6 any any',
    '!',
  ];
  if (acl.interface !== null) {
    lines.push(`interface ${acl.interface}`, ` ip access-group ${acl.name} in`, ` ipv6 traffic-filter ${acl.nameV6} in`, '!');
  }
  return lines;
}

export default defineTarget<CiscoIosOptions>({
  name: 'cisco-ios',
  summary: 'Cisco IOS/IOS-XE object-group network + v6-network (SSH push: diff, add before remove)',
  options,
  families: 'both',
  aggregateByDefault: true,
  http: { contentType: TEXT_PLAIN, extension: '.txt' },
  render(bans, o) {
    const acl = o.acl === null ? '' : `${aclLines(o, o.acl).join('\n')}\n`;
    return renderCiscoGroups(bans, groups(o), o, '!\n') + acl;
  },
  // `section` prints each matching top-level block with its indented members.
  device: ciscoDialect<CiscoIosOptions>(
    ['terminal length 0'],
    (o) => `show running-config | section ^object-group (network ${o.groupName}|v6-network ${o.groupNameV6})$`,
    groups,
  ),
});
