/**
 * What the IOS and ASA simulators share: user / enable / config / object-group modes, an
 * object-group configuration model, `show running-config` with `| section` / `| include`, the
 * caret-and-`% Invalid input` error, `write memory`, and the faults (a rejected address, a
 * connection dropped on a given line, a group in use that must not become empty). The vendor
 * files (sim-cisco-ios.ts, sim-cisco-asa.ts) give only their syntax.
 */
import { formatPrefix, parsePrefix, tryParsePrefix, type Prefix } from '../../src/banset/address.js';
import type { CliHandler, CliReply } from './ssh-device.js';
import type { AclModel } from './sim-counters.js';

export interface CiscoGroup {
  v6: boolean;
  entries: Set<string>;
}

/** The device configuration the tests assert on. */
export class CiscoModel {
  readonly groups = new Map<string, CiscoGroup>();
  /** Groups an ACL references: they may not become empty or be removed. */
  readonly referenced = new Set<string>();
  /** Access lists with hit counts, for the counter show commands (sim-counters.ts). */
  readonly acls: AclModel = new Map();
  saved = 0;

  /** Canonical prefixes (`192.0.2.1/32`) in the group, sorted as strings. */
  entries(name: string): string[] {
    return [...(this.groups.get(name)?.entries ?? [])].sort();
  }

  seed(name: string, v6: boolean, prefixes: Iterable<string>): void {
    const group = this.groups.get(name) ?? { v6, entries: new Set<string>() };
    for (const text of prefixes) group.entries.add(formatPrefix(parsePrefix(text), true));
    this.groups.set(name, group);
  }
}

export interface CiscoFaults {
  /** A line naming this address is rejected as invalid input (a line rejected half way). */
  rejectAddress?: string;
  /** The connection drops when a line containing this text arrives. */
  dropOn?: string;
  /** A line naming this address is accepted without a word but not stored (only a read-back can tell). */
  ignoreAddress?: string;
}

/** Vendor syntax: how entries read and print, and the mode/prompt names. */
export interface CiscoFlavor {
  hostname: string;
  /** Separator after `#`/`>` (ASA prints `asa# `, IOS `Router#`). */
  promptGap: string;
  pager: string;
  pagingOff: RegExp;
  errorPrefix: string;
  /** `object-group ...` header -> group name and family, or undefined when not a group header. */
  groupHeader(line: string): { name: string; v6: boolean } | undefined;
  groupMode(v6: boolean): string;
  /** A member line inside a group (without `no `) -> canonical prefix, or undefined. */
  parseMember(line: string, v6: boolean): Prefix | undefined;
  renderGroup(name: string, group: CiscoGroup): string[];
  /** Other `show` commands the vendor has (`show object-group name X`). */
  show?(command: string, model: CiscoModel): string | undefined;
}

export interface CiscoSimOptions {
  enablePassword?: string | undefined;
  faults?: CiscoFaults;
}

type Mode = 'user' | 'enable' | 'config' | 'group';

export class CiscoCli implements CliHandler {
  echo = true;
  pageLength = 24;
  private mode: Mode;
  private group = '';
  private awaitingEnable = false;

  constructor(
    private readonly flavor: CiscoFlavor,
    private readonly model: CiscoModel,
    private readonly options: CiscoSimOptions,
  ) {
    this.mode = options.enablePassword === undefined ? 'enable' : 'user';
  }

  get pager(): string {
    return this.flavor.pager;
  }

  greeting(): string {
    return `\nUnauthorized access prohibited.\n\n${this.prompt()}`;
  }

  handle(raw: string): CliReply | string {
    if (this.awaitingEnable) return this.finishEnable(raw);
    const line = raw.trim();
    if (this.options.faults?.dropOn !== undefined && line.includes(this.options.faults.dropOn)) return { output: '', drop: true };
    if (line === '') return this.prompt();
    if (line === 'exit' && (this.mode === 'user' || this.mode === 'enable')) return { output: '', drop: true };
    const output = this.dispatch(line);
    return output === undefined ? this.invalid(raw) : `${output}${this.prompt()}`;
  }

  private dispatch(line: string): string | undefined {
    if (line === 'exit' || line === 'end') return this.leave(line);
    if (this.mode === 'user' || this.mode === 'enable') return this.exec(line);
    if (this.mode === 'config') return this.configure(line);
    return this.member(line);
  }

  private exec(line: string): string | undefined {
    if (this.flavor.pagingOff.test(line)) {
      this.pageLength = 0;
      return '';
    }
    if (line === 'enable' && this.mode === 'user') {
      this.awaitingEnable = true;
      this.echo = false;
      return '';
    }
    if (this.mode === 'user') return line.startsWith('show ') ? this.show(line) : undefined;
    if (line === 'configure terminal' || line === 'conf t') {
      this.mode = 'config';
      return 'Enter configuration commands, one per line.  End with CNTL/Z.\n';
    }
    if (line === 'write memory' || line === 'copy running-config startup-config') {
      this.model.saved += 1;
      return 'Building configuration...\n[OK]\n';
    }
    return line.startsWith('show ') ? this.show(line) : undefined;
  }

  private finishEnable(password: string): string {
    this.awaitingEnable = false;
    this.echo = true;
    if (password === this.options.enablePassword) {
      this.mode = 'enable';
      return `\n${this.prompt()}`;
    }
    return `\n${this.flavor.errorPrefix}% Access denied\n\n${this.prompt()}`;
  }

  private configure(line: string): string | undefined {
    const removing = line.startsWith('no ');
    const header = this.flavor.groupHeader(removing ? line.slice(3) : line);
    if (header === undefined) return /^(hostname|description|interface) /.test(line) ? '' : undefined;
    const existing = this.model.groups.get(header.name);
    if (existing !== undefined && existing.v6 !== header.v6)
      return `${this.flavor.errorPrefix}% Object group ${header.name} exists with another type\n`;
    if (removing) {
      if (this.model.referenced.has(header.name))
        return `${this.flavor.errorPrefix}% Object group ${header.name} is in use and cannot be removed\n`;
      this.model.groups.delete(header.name);
      return '';
    }
    if (existing === undefined) this.model.groups.set(header.name, { v6: header.v6, entries: new Set() });
    this.mode = 'group';
    this.group = header.name;
    return '';
  }

  private member(line: string): string | undefined {
    const group = this.model.groups.get(this.group) as CiscoGroup;
    if (line.startsWith('description ') || line.startsWith('no description')) return '';
    const removing = line.startsWith('no ');
    const prefix = this.flavor.parseMember(removing ? line.slice(3) : line, group.v6);
    const reject = this.options.faults?.rejectAddress;
    if (prefix === undefined || (reject !== undefined && line.includes(reject))) return undefined;
    const key = formatPrefix(prefix, true);
    if (this.options.faults?.ignoreAddress !== undefined && line.includes(this.options.faults.ignoreAddress)) return '';
    if (!removing) {
      group.entries.add(key);
      return '';
    }
    if (!group.entries.has(key)) return '';
    if (group.entries.size === 1 && this.model.referenced.has(this.group)) {
      return `${this.flavor.errorPrefix}% Object group ${this.group} is in use and cannot be empty\n`;
    }
    group.entries.delete(key);
    return '';
  }

  private leave(line: string): string {
    if (this.mode === 'group' && line === 'exit') this.mode = 'config';
    else if (this.mode === 'config' || this.mode === 'group') this.mode = 'enable';
    return '';
  }

  private show(line: string): string | undefined {
    const vendor = this.flavor.show?.(line, this.model);
    if (vendor !== undefined) return vendor;
    const match = /^show running-config(?:\s*\|\s*(section|include|begin)\s+(.+))?$/.exec(line);
    if (match === null) return undefined;
    const lines = [`hostname ${this.flavor.hostname}`, '!'];
    for (const [name, group] of this.model.groups) lines.push(...this.flavor.renderGroup(name, group));
    lines.push('!', 'interface GigabitEthernet0/0', ' ip address 198.18.0.1 255.255.255.0', '!', 'end');
    return `${filterLines(lines, match[1], match[2])
      .map((l) => `${l}\n`)
      .join('')}`;
  }

  private invalid(raw: string): string {
    const caret = `${' '.repeat(this.prompt().length + Math.max(0, raw.search(/\S/)))}^`;
    return `${caret}\n${this.flavor.errorPrefix}% Invalid input detected at '^' marker.\n\n${this.prompt()}`;
  }

  private prompt(): string {
    const { hostname, promptGap } = this.flavor;
    if (this.awaitingEnable) return 'Password: ';
    if (this.mode === 'user') return `${hostname}>${promptGap}`;
    if (this.mode === 'enable') return `${hostname}#${promptGap}`;
    if (this.mode === 'config') return `${hostname}(config)#${promptGap}`;
    return `${hostname}(${this.flavor.groupMode(this.model.groups.get(this.group)?.v6 ?? false)})#${promptGap}`;
  }
}

/** IOS output filters: `section` keeps matching top-level blocks with their indented lines. */
function filterLines(lines: string[], filter: string | undefined, pattern: string | undefined): string[] {
  if (filter === undefined || pattern === undefined) return lines;
  const regex = new RegExp(pattern.trim());
  if (filter === 'include') return lines.filter((l) => regex.test(l));
  if (filter === 'begin')
    return lines.slice(
      Math.max(
        0,
        lines.findIndex((l) => regex.test(l)),
      ),
    );
  const kept: string[] = [];
  let inside = false;
  for (const l of lines) {
    if (!l.startsWith(' ')) inside = regex.test(l);
    if (inside) kept.push(l);
  }
  return kept;
}

/** Dotted mask -> prefix length, or undefined for a non-contiguous mask. */
export function maskLength(mask: string): number | undefined {
  const parsed = tryParsePrefix(mask);
  if (typeof parsed === 'string' || parsed.family !== 4) return undefined;
  const bits = parsed.network.toString(2).padStart(32, '0');
  return /^1*0*$/.test(bits) ? (bits.indexOf('0') === -1 ? 32 : bits.indexOf('0')) : undefined;
}

/** `address/len` through the strict parser; undefined when the host bits are set or the text is junk. */
export function strictPrefix(address: string, length: number | string): Prefix | undefined {
  const parsed = tryParsePrefix(`${address}/${length}`);
  return typeof parsed === 'string' ? undefined : parsed;
}
