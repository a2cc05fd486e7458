/**
 * junos: `policy-options prefix-list` per family (for firewall filters' `source-prefix-list`),
 * in the curly form with a `replace:` tag (load with `load replace terminal` / `load replace
 * FILE`: the tagged list is replaced, the rest of the configuration merged untouched) or, as an
 * option, the equivalent `delete` + `set` lines for `load set`. Forms from bgp/bgpq4 printer.c
 * (bgpq4_print_juniper_prefixlist) and Juniper/py-junos-eznc utils/config.py (replace is the
 * default load action and honours `replace:`); "Junos prefix-lists hold exact prefixes only",
 * so lengths are always written, /32 and /128 included (Junos routing policy guide, "Defining Prefix Lists").
 *
 * An empty prefix-list referenced by a filter term is not reliably committable, so an empty
 * family gets a placeholder prefix (documentation space) instead of an empty `replace:` list.
 *
 *   policy-options {
 *       replace:
 *       prefix-list APIBAN {
 *
 * Device dialect: see src/writers/junos.ts (exclusive candidate, diff only, commit confirmed).
 */
import * as z from 'zod';
import { parsePrefix } from '../src/banset/address.js';
import { createBanSet, type BanSet, type TextStyle } from '../src/banset/banset.js';
import { headerLine, headerOption, TEXT_PLAIN } from '../src/writers/common.js';
import { defineTarget } from '../src/writers/contract.js';
import { placeholderHost } from '../src/writers/device-output.js';
import {
  JUNOS_ERRORS,
  JUNOS_PREPARE,
  JUNOS_PROMPT,
  junosCommitOptions,
  junosName,
  parseJunosLists,
  planJunosLists,
  PRIVATE_WITHOUT_CONFIRM,
  showJunosLists,
  type JunosList,
} from '../src/writers/junos.js';

const options = z
  .strictObject({
    listName: junosName(63, 'APIBAN', 'IPv4 prefix-list name'),
    listNameV6: junosName(63, 'APIBAN6', 'IPv6 prefix-list name'),
    format: z
      .enum(['replace', 'set'])
      .default('replace')
      .describe('"replace": curly form with replace: tags (load replace); "set": delete + set lines (load set)'),
    header: headerOption,
    placeholderV4: placeholderHost(4, '192.0.2.255'),
    placeholderV6: placeholderHost(6, '2001:db8::ffff'),
    ...junosCommitOptions,
  })
  .refine((o) => o.listName !== o.listNameV6, { message: 'listName and listNameV6 must differ', path: ['listNameV6'] })
  .refine(PRIVATE_WITHOUT_CONFIRM.check, { message: PRIVATE_WITHOUT_CONFIRM.message, path: ['configureMode'] });
type JunosOptions = z.infer<typeof options>;

function lists(o: JunosOptions): JunosList[] {
  return [
    { family: 4, name: o.listName },
    { family: 6, name: o.listNameV6 },
  ];
}

/** A list's members, one per line in `style`; the placeholder stands in for an empty family. */
function memberText(bans: BanSet, list: JunosList, o: JunosOptions, style: TextStyle): string {
  const family = list.family === 4 ? 'v4' : 'v6';
  const members = bans.counts()[family] > 0 ? bans : createBanSet([parsePrefix(list.family === 4 ? o.placeholderV4 : o.placeholderV6)]);
  return members.text(family, { ...style, explicitLength: true });
}

function render(bans: BanSet, o: JunosOptions): string {
  let text = o.header ? `${headerLine(bans)}\n` : '';
  if (o.format === 'set') {
    for (const list of lists(o)) {
      text += `delete policy-options prefix-list ${list.name}\n${memberText(bans, list, o, { linePrefix: `set policy-options prefix-list ${list.name} ` })}`;
    }
    return text;
  }
  text += 'policy-options {\n';
  for (const list of lists(o)) {
    text += `    replace:\n    prefix-list ${list.name} {\n${memberText(bans, list, o, { linePrefix: '        ', lineSuffix: ';' })}    }\n`;
  }
  return `${text}}\n`;
}

export default defineTarget<JunosOptions>({
  name: 'junos',
  summary: 'Junos policy-options prefix-lists, replace: or set form (SSH push: one commit, commit confirmed)',
  options,
  families: 'both',
  aggregateByDefault: true,
  http: { contentType: TEXT_PLAIN, extension: '.conf' },
  render,
  device: {
    prompt: JUNOS_PROMPT,
    errors: JUNOS_ERRORS,
    prepare: JUNOS_PREPARE,
    show: (o) => showJunosLists(lists(o)),
    parse: (output, o, device) => parseJunosLists(device, output, lists(o)),
    plan: (diff, wanted, o) => planJunosLists(lists(o), diff, wanted, o),
  },
});
