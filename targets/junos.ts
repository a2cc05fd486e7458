/**
 * junos: `policy-options prefix-list` per family (for firewall filters' `source-prefix-list`),
 * in the curly form with a `replace:` tag (load with `load replace terminal` / `load replace
 * FILE`: the tagged list is replaced, the rest of the configuration merged untouched) or, as an
 * option, the equivalent `delete` + `set` lines for `load set`. Forms from bgp/bgpq4 printer.c
 * (bgpq4_print_juniper_prefixlist) and Juniper/py-junos-eznc utils/config.py (replace is the
 * default load action and honours `replace:`); "Junos prefix-lists hold exact prefixes only",
 * so lengths are always written, /32 and /128 included (shared/TARGETS.md §5.1).
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
import { z } from 'zod';
import { formatPrefix, parsePrefix, type Prefix } from '../src/banset/address.js';
import type { BanSet } from '../src/banset/banset.js';
import { headerLine, headerOption, TEXT_PLAIN } from '../src/writers/common.js';
import { defineTarget } from '../src/writers/contract.js';
import { placeholderHost } from '../src/writers/device-output.js';
import {
  JUNOS_ERRORS, JUNOS_PREPARE, JUNOS_PROMPT, junosCommitOptions, junosName, parseJunosLists, planJunosLists,
  PRIVATE_WITHOUT_CONFIRM, showJunosLists, type JunosList,
} from '../src/writers/junos.js';

const options = z.strictObject({
  listName: junosName(63, 'APIBAN', 'IPv4 prefix-list name'),
  listNameV6: junosName(63, 'APIBAN6', 'IPv6 prefix-list name'),
  format: z.enum(['replace', 'set']).default('replace')
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
  return [{ family: 4, name: o.listName }, { family: 6, name: o.listNameV6 }];
}

/** Each list's members, the placeholder standing in for an empty family. */
function members(bans: BanSet, o: JunosOptions): [JunosList, string[]][] {
  return lists(o).map((list) => {
    const prefixes: Prefix[] = bans.toArray(list.family === 4 ? 'v4' : 'v6');
    if (prefixes.length === 0) prefixes.push(parsePrefix(list.family === 4 ? o.placeholderV4 : o.placeholderV6));
    return [list, prefixes.map((p) => formatPrefix(p, true))];
  });
}

function render(bans: BanSet, o: JunosOptions): string {
  const lines = o.header ? [headerLine(bans)] : [];
  if (o.format === 'set') {
    for (const [list, texts] of members(bans, o)) {
      lines.push(`delete policy-options prefix-list ${list.name}`);
      for (const text of texts) lines.push(`set policy-options prefix-list ${list.name} ${text}`);
    }
  } else {
    lines.push('policy-options {');
    for (const [list, texts] of members(bans, o)) {
      lines.push('    replace:', `    prefix-list ${list.name} {`);
      for (const text of texts) lines.push(`        ${text};`); // no push(...texts): large lists overflow the stack
      lines.push('    }');
    }
    lines.push('}');
  }
  return `${lines.join('\n')}\n`;
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
    parse: (output, o) => parseJunosLists('junos', output, lists(o)),
    plan: (diff, wanted, o) => planJunosLists(lists(o), diff, wanted, o),
  },
});
