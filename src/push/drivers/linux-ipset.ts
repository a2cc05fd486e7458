/**
 * linux-ipset: keeps the ipset ban sets of a Linux host in step over SSH.
 *
 * Reads with `ipset save NAME` per family (ipset(8): the restore format, one `create NAME ...`
 * header then `add NAME ENTRY` lines; hash:net stores each CIDR as added and prints /32 hosts
 * bare); "The set with the given name does not exist" reads as empty so the first push creates
 * the set. When both live sets are ones the ipset writer created and the new set fits their
 * maxelem, only the difference goes: `add`/`del` lines in one `ipset -exist restore` batch
 * (renderIpsetDelta). Otherwise the writer's whole file (targets/ipset.ts: fill a temporary set,
 * `swap` it with the live one, destroy it) with `ipset restore -file FILE`: ipset restore stops at
 * the first bad line, and every line before the swap only touches the temporary set, so a
 * rejected file leaves the live set as it was.
 *
 * Blocked traffic: an ipset only holds addresses; the rule that drops them is the operator's
 * (`iptables -I INPUT -m set --match-set apiban4 src -j DROP`), so `settings.counters.chain` names
 * its chain, and each read also lists it with `iptables -L CHAIN -v -x -n` / `ip6tables ...`
 * (src/push/blocked/iptables.ts). No `counters`, a failed listing or no rule matching the set:
 * "not reported", never a failed push.
 */
import * as z from 'zod';
import { tryParsePrefix, type Prefix } from '../../banset/address.js';
import { createExactBanSet, type BanSet } from '../../banset/banset.js';
import type { BanDiff } from '../../banset/diff.js';
import { DeviceError } from '../../errors.js';
import { renderOutput } from '../../writers/render.js';
import type { BlockedCounters } from '../../fleet/blocked.js';
import { parseIptablesSetDrops } from '../blocked/iptables.js';
import ipsetWriter, { renderIpsetDelta, type IpsetOptions } from '../../../targets/ipset.js';
import type { DeviceDriver } from '../driver.js';
import type { ExecResult } from '../ssh.js';
import { commandFailure, openShellSession, shellSettings, type ShellChange, type ShellDialect } from './shell.js';

const settings = z.strictObject({
  ...shellSettings,
  /** The ipset writer's options (setV4, setV6, maxelem). */
  // Nested as a field (not parsed in a transform), so a bad option is a config problem at its path.
  ipset: ipsetWriter.options.prefault({}),
  counters: z
    .strictObject({
      chain: z
        .string()
        .regex(/^[A-Za-z][A-Za-z0-9_-]{0,28}$/, 'an iptables chain name: a letter, then letters, digits, "_" or "-" (at most 29)'),
    })
    .describe('the iptables / ip6tables chain holding the DROP rules that match the sets')
    .optional(),
});
export type LinuxIpsetSettings = z.infer<typeof settings>;

type Family = 'v4' | 'v6';
/** The held set, and per family the live maxelem, or why only the full refill is right. */
interface IpsetRead {
  held: BanSet;
  refill?: string;
  maxelem: Partial<Record<Family, number>>;
}

function parseRead(device: string, results: ExecResult[], commands: string[], names: string[], o: IpsetOptions): IpsetRead {
  const prefixes: Prefix[] = [];
  const read: Omit<IpsetRead, 'held'> = { maxelem: {} };
  results.forEach((result, i) => {
    if (result.code !== 0) {
      if (!/does not exist/.test(result.stderr)) throw commandFailure(device, commands[i], result);
      read.refill ??= `set ${names[i]} is missing`; // not created yet: the full file creates it
      return;
    }
    const header = inspectHeader(result.stdout, names[i], i === 0 ? 'inet' : 'inet6', o);
    if (typeof header === 'string') read.refill ??= header;
    else read.maxelem[i === 0 ? 'v4' : 'v6'] = header;
    for (const prefix of parseIpsetSave(device, commands[i], result.stdout, names[i])) prefixes.push(prefix);
  });
  // Exact: a host inside a listed network is its own hash:net entry, and the diff must see it.
  return { held: createExactBanSet(prefixes), ...read };
}

/**
 * The live set's maxelem, or why it is not a set the ipset writer created (ipset(8) CREATE): another
 * type or family, per-entry extensions (timeout, counters, comment ...), or a maxelem other than
 * the pinned one. ipset 7.x prints `bucketsize` and `initval` for every hash set.
 */
function inspectHeader(text: string, name: string, family: string, o: IpsetOptions): number | string {
  const header = text.split('\n').find((line) => line.startsWith(`create ${name} `));
  const words = header?.split(' ').slice(2) ?? [];
  const options = new Map<string, string>();
  for (let i = 1; i + 1 < words.length; i += 2) options.set(words[i], words[i + 1]);
  const known = ['family', 'hashsize', 'maxelem', 'bucketsize', 'initval'];
  if (
    words[0] !== 'hash:net' ||
    words.length % 2 === 0 ||
    options.get('family') !== family ||
    [...options.keys()].some((k) => !known.includes(k))
  ) {
    return `set ${name} was not created by this driver (${header ?? 'no header'})`;
  }
  const maxelem = Number(options.get('maxelem'));
  if (o.maxelem !== null && maxelem !== o.maxelem) return `set ${name} has maxelem ${maxelem}, configured ${o.maxelem}`;
  return maxelem;
}

/** add/del lines for the difference, or undefined when a set is missing, foreign or would overflow its maxelem. */
function ipsetDelta(read: IpsetRead | undefined, diff: BanDiff, wanted: BanSet, o: IpsetOptions): ShellChange | string {
  if (read === undefined || read.refill !== undefined) return read?.refill ?? 'not read yet';
  const counts = wanted.counts();
  // Only the swap of a freshly created set can raise maxelem.
  const full = (['v4', 'v6'] as const).find((f) => counts[f] > (read.maxelem[f] ?? 0));
  if (full !== undefined) return `${counts[full]} ${full} entries exceed the live maxelem ${read.maxelem[full]}`;
  const file = renderIpsetDelta(createExactBanSet(diff.added), createExactBanSet(diff.removed), o);
  return { file, entries: diff.added.length + diff.removed.length, command: (path) => `ipset -exist restore -file ${path}` };
}

/** The members of set `name` in `ipset save` output; any other line is an error. */
export function parseIpsetSave(device: string, command: string, text: string, name: string): Prefix[] {
  const prefixes: Prefix[] = [];
  for (const line of text.split('\n')) {
    if (line === '' || line.startsWith(`create ${name} `)) continue;
    const fields = line.split(' ');
    const parsed =
      fields.length === 3 && fields[0] === 'add' && fields[1] === name ? tryParsePrefix(fields[2]) : 'not an "add NAME ENTRY" line';
    if (typeof parsed === 'string') {
      throw new DeviceError(
        device,
        command,
        `unexpected line ${JSON.stringify(line.slice(0, 80))}: ${parsed} (timeouts, comments or counters are not managed by this driver)`,
      );
    }
    prefixes.push(parsed);
  }
  return prefixes;
}

/** The chain listings that follow the two `ipset save` reads when counters are configured. */
function counterCommands(chain: string | undefined): string[] {
  return chain === undefined ? [] : [`iptables -L ${chain} -v -x -n`, `ip6tables -L ${chain} -v -x -n`];
}

function parseChainCounters(results: ExecResult[], names: string[]): BlockedCounters | undefined {
  const out: BlockedCounters = {};
  for (const [i, family] of (['v4', 'v6'] as const).entries()) {
    const result = results[i];
    const counter = result?.code === 0 ? parseIptablesSetDrops(result.stdout, names[i] ?? '') : undefined;
    if (counter !== undefined) out[family] = counter;
  }
  return Object.keys(out).length === 0 ? undefined : out;
}

export const linuxIpsetDriver: DeviceDriver<LinuxIpsetSettings> = {
  name: 'linux-ipset',
  summary: 'Linux ipset over SSH: upload the difference (or the whole file, refilled via swap), `ipset restore`, read back',
  settings,
  families: 'both',
  open(device, context) {
    const o = device.settings.ipset;
    const names = [o.setV4, o.setV6];
    let read: IpsetRead | undefined;
    const dialect: ShellDialect = {
      readCommands: () => [...names.map((name) => `ipset save ${name}`), ...counterCommands(device.settings.counters?.chain)],
      parseRead: (results, commands) => {
        read = parseRead(device.name, results.slice(0, names.length), commands, names, o);
        return read.held;
      },
      parseCounters: (results) => parseChainCounters(results.slice(names.length), names),
      comparable: (wanted) => wanted,
      renderFile: (wanted) => renderOutput(ipsetWriter, wanted, o),
      fileSuffix: '.ipset',
      applyCommand: (file) => `ipset restore -file ${file}`,
      delta: (diff, wanted) => {
        const change = ipsetDelta(read, diff, wanted, o);
        if (typeof change !== 'string') return change;
        context.log.info({ device: device.name, reason: change }, 'sending the whole set');
        return undefined;
      },
    };
    return openShellSession(device, context, dialect);
  },
};

export default linuxIpsetDriver;
