/**
 * A tiny model of a Cisco IOS/ASA configuration, just enough to replay a dialect's plan line by
 * line: exec/config/group modes, object-group members added and removed as typed. Like a device
 * whose groups are referenced by an ACL, it refuses to empty a group and to remove a member that
 * is not there, so a plan that would do either fails the test at the offending line.
 */
import { formatPrefix, parsePrefix, type Prefix } from '../../src/banset/address.js';
import { createBanSet, type BanSet } from '../../src/banset/banset.js';
import { diffBanSets } from '../../src/banset/diff.js';
import { ciscoMember } from '../../src/writers/cisco.js';
import type { TargetWriter } from '../../src/writers/contract.js';
import { present } from './present.js';

export class CiscoGroupModel {
  readonly groups = new Map<string, string[]>();
  private mode: 'exec' | 'config' | { group: string } = 'exec';

  constructor(initial: Record<string, string[]> = {}) {
    for (const [header, members] of Object.entries(initial)) this.groups.set(header, [...members]);
  }

  apply(line: string): void {
    if (line === 'configure terminal' && this.mode === 'exec') {
      this.mode = 'config';
      return;
    }
    if (line === 'end' && this.mode !== 'exec') {
      this.mode = 'exec';
      return;
    }
    if (line === 'write memory' && this.mode === 'exec') return;
    if (this.mode === 'exec') throw new Error(`model: ${JSON.stringify(line)} in exec mode`);
    if (line.startsWith('object-group ')) {
      if (!this.groups.has(line)) this.groups.set(line, []);
      this.mode = { group: line };
      return;
    }
    if (this.mode === 'config') throw new Error(`model: ${JSON.stringify(line)} outside a group`);
    if (line === 'exit') {
      this.mode = 'config';
      return;
    }
    this.changeMember(this.mode.group, line);
  }

  private changeMember(header: string, line: string): void {
    const members = present(this.groups.get(header), `group ${header}`);
    if (!line.startsWith('no ')) {
      if (!members.includes(line)) members.push(line);
      return;
    }
    const index = members.indexOf(line.slice(3));
    if (index < 0) throw new Error(`model: ${JSON.stringify(line)} removes a member that is not there`);
    if (members.length === 1) throw new Error(`model: ${JSON.stringify(line)} would empty ${header}, which an ACL uses`);
    members.splice(index, 1);
  }

  /** What `show running-config` would print for the groups. */
  runningConfig(): string {
    const lines: string[] = [];
    for (const [header, members] of this.groups) lines.push(header, ...members.map((m) => ` ${m}`));
    return `${lines.join('\n')}\n`;
  }
}

interface CiscoLikeOptions {
  groupName: string;
  groupNameV6: string;
  placeholderV4: string;
  placeholderV6: string;
}

/** Prefixes small enough to collide often, none covering another; the default placeholders included. */
export const PLAN_POOL = [
  '192.0.2.10',
  '192.0.2.11',
  '198.51.100.0/24',
  '203.0.113.0/25',
  '203.0.113.200',
  '192.0.2.255',
  '2001:db8::1',
  '2001:db8:1::/48',
  '2001:db8::ffff',
  '2001:db8:2::/64',
].map(parsePrefix);

/**
 * Replays plan(diff(before, after), after) on a model device holding `before` and returns what
 * the dialect parses back, plus what it should be: `after` per family, or the placeholder when
 * `after` has none of a family the device had, or nothing when the device had nothing either.
 */
export function replayCiscoPlan<O extends CiscoLikeOptions>(
  writer: TargetWriter<O>,
  options: O,
  headers: [string, string],
  memberPrefix: string,
  before: BanSet,
  after: BanSet,
): { actual: string[]; expected: string[]; sent: number } {
  const model = new CiscoGroupModel();
  for (const [index, family] of (['v4', 'v6'] as const).entries()) {
    const members = before.toArray(family).map((p) => `${memberPrefix}${ciscoMember(p)}`);
    if (members.length > 0) model.groups.set(headers[index], members);
  }
  const plan = present(writer.device, "the writer's device dialect").plan(diffBanSets(before, after), after, options);
  for (const line of [...plan.apply, ...plan.commit]) model.apply(line);
  const expected: Prefix[] = [];
  for (const [family, placeholder] of [
    ['v4', options.placeholderV4],
    ['v6', options.placeholderV6],
  ] as const) {
    if (after.counts()[family] > 0) expected.push(...after.toArray(family));
    else if (before.counts()[family] > 0) expected.push(parsePrefix(placeholder));
  }
  const texts = (prefixes: Prefix[]) =>
    createBanSet(prefixes)
      .toArray()
      .map((p) => formatPrefix(p));
  return {
    actual: texts(present(writer.device, "the writer's device dialect").parse(model.runningConfig(), options, 'edge-1')),
    expected: texts(expected),
    sent: plan.apply.length,
  };
}
