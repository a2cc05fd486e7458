/**
 * What Cisco IOS/IOS-XE and ASA share: the member syntax of a network object-group (`host A`,
 * `A MASK` for IPv4, `X/len` for IPv6; the ASA puts `network-object ` in front), the group
 * blocks, the line-by-line diff plan and the parser of `show running-config` output.
 *
 * IOS has no transactions: every line takes effect as it is typed, and IOS refuses to empty a
 * group an ACL uses ("You cannot remove an object group or make an object group empty if it is
 * used in an ACL", cisco.com sec-zbf-ogacl, IOS-XE 16). So plans add before they remove and keep
 * a placeholder host in a group whose wanted list is empty (same cisco.com page).
 */
import * as z from 'zod';
import { formatAddress, formatNetmask, formatPrefix, isHost, tryParsePrefix, type Family, type Prefix } from '../banset/address.js';
import { createBanSet, type BanSet, type TextStyle } from '../banset/banset.js';
import type { BanDiff } from '../banset/diff.js';
import { DeviceError } from '../errors.js';
import { headerLine, headerOption } from './common.js';
import type { DeviceDialect, DevicePlan } from './contract.js';
import { cleanCliOutput, parsePlaceholders, placeholderHost, planFamilyChange } from './device-output.js';

/** Letters, digits, `_`, `-`, `.`; a stricter subset of what IOS and the ASA accept, so it is safe on both. */
export function ciscoName(max: number, fallback: string, what: string) {
  return z
    .string()
    .regex(/^[A-Za-z][A-Za-z0-9_.-]*$/, `${what} must start with a letter and use only letters, digits, "_", "-" or "."`)
    .max(max, `${what} is limited to ${max} characters`)
    .default(fallback)
    .describe(what);
}

/** The option fields IOS and the ASA share; `maxName` is the platform's name length limit. */
export function ciscoOptionFields(maxName: number) {
  return {
    groupName: ciscoName(maxName, 'APIBAN-V4', 'IPv4 object-group network name'),
    groupNameV6: ciscoName(maxName, 'APIBAN-V6', 'IPv6 object-group name'),
    description: z.boolean().default(true).describe('write a description line in each group'),
    header: headerOption,
    placeholderV4: placeholderHost(4, '192.0.2.255'),
    placeholderV6: placeholderHost(6, '2001:db8::ffff'),
    writeMemory: z.boolean().default(false).describe('push: save the configuration with `write memory` after a change'),
  };
}
export type CiscoOptions = z.infer<z.ZodObject<ReturnType<typeof ciscoOptionFields>>>;

/** Objects and object groups share one name space on both platforms. */
export const DISTINCT_GROUP_NAMES: [(o: { groupName: string; groupNameV6: string }) => boolean, { message: string; path: string[] }] = [
  (o) => o.groupName !== o.groupNameV6,
  { message: 'groupName and groupNameV6 must differ (object groups share one name space)', path: ['groupNameV6'] },
];

export const DESCRIPTION_TEXT = 'APIBAN banned SIP sources (apiban-exporter)';

/** One managed group: its header line as the device prints it, and its member line prefix. */
export interface CiscoGroup {
  family: Family;
  header: string;
  /** '' on IOS, 'network-object ' on the ASA. */
  memberPrefix: string;
}

/** `host 192.0.2.1`, `198.51.100.0 255.255.255.0`, `host 2001:db8::1`, `2001:db8::/32`. */
export function ciscoMember(prefix: Prefix): string {
  if (isHost(prefix)) return `host ${formatAddress(prefix)}`;
  return prefix.family === 4 ? `${formatAddress(prefix)} ${formatNetmask(prefix.length)}` : formatPrefix(prefix);
}

/** The same member syntax as ciscoMember, for BanSet.text()'s byte-level path. */
function ciscoStyle(group: CiscoGroup): TextStyle {
  return { linePrefix: ` ${group.memberPrefix}`, hostWord: 'host ', netmask: group.family === 4 };
}

/** The full group block; an empty group gets the placeholder so an ACL can reference it. */
function renderCiscoGroup(group: CiscoGroup, bans: BanSet, placeholder: Prefix, description: boolean): string {
  const family = group.family === 4 ? 'v4' : 'v6';
  const members = bans.counts()[family] > 0 ? bans : createBanSet([placeholder]);
  return `${group.header}\n${description ? ` description ${DESCRIPTION_TEXT}\n` : ''}${members.text(family, ciscoStyle(group))}`;
}

/** Optional `!` header, then each group block followed by `separator` (IOS writes `!\n`). */
export function renderCiscoGroups(bans: BanSet, groups: CiscoGroup[], o: CiscoOptions, separator: string): string {
  let text = o.header ? `${headerLine(bans, '!')}\n` : '';
  const placeholders = parsePlaceholders(o);
  for (const group of groups) text += renderCiscoGroup(group, bans, placeholders[group.family], o.description) + separator;
  return text;
}

/** The device dialect of a Cisco target; only paging and the `show` command differ. */
export function ciscoDialect<O extends CiscoOptions>(
  prepare: string[],
  show: (o: O) => string,
  groups: (o: O) => CiscoGroup[],
): DeviceDialect<O> {
  return {
    prompt: CISCO_PROMPT,
    errors: CISCO_ERRORS,
    prepare,
    show,
    parse: (output, o, device) => parseCiscoGroups(device, output, groups(o)),
    plan: (diff, wanted, o) => planCiscoGroups(groups(o), diff, wanted, o),
  };
}

export interface CiscoPlanOptions {
  placeholderV4: string;
  placeholderV6: string;
  writeMemory: boolean;
}

/** Enters config mode and each changed group, adds, then removes; nothing at all when nothing changes. */
export function planCiscoGroups(groups: CiscoGroup[], diff: BanDiff, wanted: BanSet, options: CiscoPlanOptions): DevicePlan {
  const placeholders = parsePlaceholders(options);
  const commands: string[] = [];
  for (const group of groups) {
    const { add, remove } = planFamilyChange(diff, wanted, group.family, placeholders[group.family]);
    if (add.length === 0 && remove.length === 0) continue;
    commands.push(group.header);
    for (const prefix of add) commands.push(`${group.memberPrefix}${ciscoMember(prefix)}`);
    for (const prefix of remove) commands.push(`no ${group.memberPrefix}${ciscoMember(prefix)}`);
    commands.push('exit');
  }
  if (commands.length === 0) return { apply: [], commit: [], abort: [] };
  return {
    apply: ['configure terminal', ...commands, 'end'],
    commit: options.writeMemory ? ['write memory'] : [],
    abort: ['end'],
  };
}

/**
 * The prefixes the managed groups hold in `show running-config` output. Lines outside the managed
 * groups (the echoed command, other groups, prompts) are ignored; inside them only `description`
 * and the member forms this tool writes are accepted, anything else (a `range`, a `group-object`,
 * garbage) is an error naming the line, because a plan computed from a misread group is wrong.
 */
export function parseCiscoGroups(device: string, output: string, groups: CiscoGroup[]): Prefix[] {
  const prefixes: Prefix[] = [];
  let current: CiscoGroup | undefined;
  for (const line of cleanCliOutput(output)) {
    if (!line.startsWith(' ')) {
      current = groups.find((g) => g.header === line);
      continue;
    }
    if (current === undefined || /^ description( |$)/.test(line)) continue;
    const member = parseCiscoMember(line, current);
    if (typeof member === 'string') {
      throw new DeviceError(device, undefined, `unreadable line in "${current.header}": ${JSON.stringify(line)} (${member})`);
    }
    prefixes.push(member);
  }
  return prefixes;
}

function parseCiscoMember(line: string, group: CiscoGroup): Prefix | string {
  const expected = ` ${group.memberPrefix}`;
  if (!line.startsWith(expected)) return `not a "${expected.trim() || 'host/network'}" member`;
  const words = line.slice(expected.length).split(' ');
  let text: string;
  if (words.length === 2 && words[0] === 'host') text = words[1];
  else if (words.length === 2 && group.family === 4) {
    const length = maskLength(words[1]);
    if (length < 0) return 'not a contiguous netmask';
    text = `${words[0]}/${length}`;
  } else if (words.length === 1 && group.family === 6 && words[0].includes('/')) text = words[0];
  else return 'not a host or network member';
  const prefix = tryParsePrefix(text);
  if (typeof prefix === 'string') return prefix;
  if (prefix.family !== group.family) return `an IPv${prefix.family} member in an IPv${group.family} group`;
  if (words[0] === 'host' && !isHost(prefix)) return 'host with a prefix length';
  return prefix;
}

/** Prefix length of a dotted netmask, or -1 when it is not a strict, contiguous mask. */
export function maskLength(mask: string): number {
  const prefix = tryParsePrefix(mask);
  if (typeof prefix === 'string' || prefix.family !== 4 || prefix.length !== 32) return -1;
  for (let length = 0; length <= 32; length++) if (formatNetmask(length) === mask) return length;
  return -1;
}

/** Errors IOS and the ASA print for a rejected line; checked on every command's output. */
export const CISCO_ERRORS: RegExp[] = [
  /% Invalid input detected/,
  /% Incomplete command/,
  /% Ambiguous command/,
  /% Unknown command/,
  /^% ?Error\b/im,
  /^ERROR: /m,
];

/** `router>`, `router#`, `router(config)#`, `router(config-network-group)#`, `asa/pri/act(config)#`. */
export const CISCO_PROMPT = /^[A-Za-z0-9_.\-/:]+(?:\([A-Za-z0-9_.-]+\))?[>#] ?$/m;
