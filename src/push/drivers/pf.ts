/**
 * pf: a pf table on pfSense or OPNsense over SSH (pfctl(8), -T replace and -T show; cs-firewall-bouncer
 * pkg/pf/pf_context.go loads tables from files the same way).
 *
 * mode `replace` (default): upload the plain list (the pfsense writer: one address or CIDR per
 * line, a `#` header that pfctl's table-file parser skips) and run `pfctl -t NAME -T replace -f
 * FILE`, which swaps the table contents in one ioctl; pfctl rejects the whole file on a bad line,
 * so the old table stays. mode `urltable` (pfSense): run `/etc/rc.update_urltables now
 * forceupdate NAME` instead, so pfSense fetches its URL-table alias from the exporter itself and
 * keeps its own file and table in step; nothing is uploaded. Both verify with
 * `pfctl -t NAME -T show` (one entry per line, indented); "Table does not exist" reads as empty.
 */
import * as z from 'zod';
import type { BanSet } from '../../banset/banset.js';
import { renderOutput } from '../../writers/render.js';
import pfsenseWriter from '../../../targets/pfsense.js';
import type { DeviceDriver } from '../driver.js';
import type { ExecResult } from '../ssh.js';
import { commandFailure, openShellSession, shellSettings, type ShellDialect } from './shell.js';
import { parseListed } from './verify.js';
import { parsePfTableCounters } from '../blocked/pf.js';

const executable = z.string().regex(/^[A-Za-z0-9_./-]+$/, 'a command name or absolute path of letters, digits, _ . / -');

const settings = z.strictObject({
  ...shellSettings,
  table: z
    .string()
    .regex(/^[A-Za-z_][A-Za-z0-9_]{0,30}$/, 'a pf table / alias name: letters, digits, _ (at most 31)')
    .default('APIBAN_SIP'),
  mode: z
    .enum(['replace', 'urltable'])
    .default('replace')
    .describe('replace: upload + pfctl -T replace; urltable: pfSense refreshes its URL-table alias'),
  pfctl: executable.default('pfctl').describe('pfctl command (pfSense and OPNsense: /sbin/pfctl)'),
  urltableScript: executable.default('/etc/rc.update_urltables'),
  counters: z.boolean().default(true).describe("read the table's In/Block + Out/Block counters (pfctl -vv -s Tables) on each push"),
});
export type PfSettings = z.infer<typeof settings>;

function parseShow(device: string, result: ExecResult, command: string): BanSet {
  if (result.code !== 0) {
    if (/Table does not exist/i.test(result.stderr)) return parseListed(device, command, []);
    throw commandFailure(device, command, result);
  }
  const entries = result.stdout
    .split('\n')
    .map((line) => line.trim())
    .filter((line) => line !== '');
  return parseListed(device, command, entries);
}

export const pfDriver: DeviceDriver<PfSettings> = {
  name: 'pf',
  summary: 'pf table on pfSense/OPNsense over SSH: pfctl -T replace (or pfSense URL-table refresh), read back',
  settings,
  families: 'both',
  open(device, context) {
    const s = device.settings;
    const show = `${s.pfctl} -t ${s.table} -T show`;
    const dialect: ShellDialect = {
      readCommands: () => (s.counters ? [show, `${s.pfctl} -vv -s Tables`] : [show]),
      parseRead: (results, commands) => parseShow(device.name, results[0], commands[0]),
      comparable: (wanted) => wanted,
      renderFile: (wanted) =>
        s.mode === 'urltable' ? undefined : renderOutput(pfsenseWriter, wanted, { header: true, placeholder: null }),
      fileSuffix: '.txt',
      parseCounters: (results) => (results[1]?.code === 0 ? parsePfTableCounters(results[1].stdout, s.table) : undefined),
      applyCommand: (file) =>
        s.mode === 'urltable' ? `${s.urltableScript} now forceupdate ${s.table}` : `${s.pfctl} -t ${s.table} -T replace -f ${file}`,
    };
    return openShellSession(device, context, dialect);
  },
};

export default pfDriver;
