/**
 * linux-ipset: keeps the ipset ban sets of a Linux host in step over SSH.
 *
 * Reads with `ipset save NAME` per family (ipset(8): the restore format, one `create NAME ...`
 * header then `add NAME ENTRY` lines; hash:net stores each CIDR as added and prints /32 hosts
 * bare); "The set with the given name does not exist" reads as empty so the first push creates
 * the set. Applies the ipset writer's file (targets/ipset.ts: fill a temporary set, `swap` it
 * with the live one, destroy it) with `ipset restore -file FILE`. ipset restore stops at the
 * first bad line; every line before the swap only touches the temporary set, so a rejected file
 * leaves the live set as it was.
 */
import { z } from 'zod';
import { tryParsePrefix, type Prefix } from '../../banset/address.js';
import { createBanSet, type BanSet } from '../../banset/banset.js';
import { DeviceError } from '../../errors.js';
import { renderOutput } from '../../writers/render.js';
import ipsetWriter from '../../../targets/ipset.js';
import type { DeviceDriver } from '../driver.js';
import type { ExecResult } from '../ssh.js';
import { commandFailure, openShellSession, shellSettings, type ShellDialect } from './shell.js';

const settings = z.strictObject({
  ...shellSettings,
  /** The ipset writer's options (setV4, setV6, maxelem). */
  // Nested as a field (not parsed in a transform), so a bad option is a config problem at its path.
  ipset: ipsetWriter.options.prefault({}),
});
export type LinuxIpsetSettings = z.infer<typeof settings>;

function parseRead(device: string, results: ExecResult[], commands: string[], names: string[]): BanSet {
  const prefixes: Prefix[] = [];
  results.forEach((result, i) => {
    if (result.code !== 0) {
      if (/does not exist/.test(result.stderr)) return; // not created yet
      throw commandFailure(device, commands[i], result);
    }
    for (const prefix of parseIpsetSave(device, commands[i], result.stdout, names[i])) prefixes.push(prefix);
  });
  return createBanSet(prefixes);
}

/** The members of set `name` in `ipset save` output; any other line is an error. */
export function parseIpsetSave(device: string, command: string, text: string, name: string): Prefix[] {
  const prefixes: Prefix[] = [];
  for (const line of text.split('\n')) {
    if (line === '' || line.startsWith(`create ${name} `)) continue;
    const fields = line.split(' ');
    const parsed = fields.length === 3 && fields[0] === 'add' && fields[1] === name ? tryParsePrefix(fields[2]) : 'not an "add NAME ENTRY" line';
    if (typeof parsed === 'string') {
      throw new DeviceError(device, command, `unexpected line ${JSON.stringify(line.slice(0, 80))}: ${parsed} (timeouts, comments or counters are not managed by this driver)`);
    }
    prefixes.push(parsed);
  }
  return prefixes;
}

export const linuxIpsetDriver: DeviceDriver<LinuxIpsetSettings> = {
  name: 'linux-ipset',
  summary: 'Linux ipset over SSH: upload the ipset file, `ipset restore` with swap, read back',
  settings,
  families: 'both',
  open(device, context) {
    const names = [device.settings.ipset.setV4, device.settings.ipset.setV6];
    const dialect: ShellDialect = {
      readCommands: () => names.map((name) => `ipset save ${name}`),
      parseRead: (results, commands) => parseRead(device.name, results, commands, names),
      comparable: (wanted) => wanted,
      renderFile: (wanted) => renderOutput(ipsetWriter, wanted, device.settings.ipset),
      fileSuffix: '.ipset',
      applyCommand: (file) => `ipset restore -file ${file}`,
    };
    return openShellSession(device, context, dialect);
  },
};

export default linuxIpsetDriver;
