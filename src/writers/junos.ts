/**
 * Junos pieces: configuration names, the prefix-list device dialect (parse `| display set`
 * output, plan one candidate change and its commit) and the CLI's prompt and error texts.
 *
 * Commit semantics, from the Junos CLI guide ("Using the configure private Command", junos85
 * swconfig-cli; "Using the configure exclusive Command", junos12.3):
 *  - `configure private` edits a private copy of the committed configuration, and "You cannot
 *    issue the commit confirmed command when you are in configure private mode"; it cannot be
 *    entered while the shared candidate has uncommitted changes.
 *  - `configure exclusive` locks the candidate; "any uncommitted changes are discarded when you
 *    exit", so a dropped session never leaves half a change behind. If another user holds the
 *    lock, Junos answers `error: configuration database locked by ...`, which aborts the push.
 * Hence the default is `configure exclusive` with `commit confirmed 5` (auto-rollback unless
 * the follow-up `commit` arrives); `private` is offered only with confirmation turned off.
 * The plan runs `commit check` first so a bad candidate is refused before anything is
 * activated; on abort `rollback 0` discards the candidate and `exit configuration-mode` leaves.
 */
import * as z from 'zod';
import { formatPrefix, tryParsePrefix, type Family, type Prefix } from '../banset/address.js';
import type { BanSet } from '../banset/banset.js';
import type { BanDiff } from '../banset/diff.js';
import { DeviceError } from '../errors.js';
import type { DevicePlan } from './contract.js';
import { cleanCliOutput, parsePlaceholders, planFamilyChange } from './device-output.js';

/** A conservative Junos identifier: letters, digits, `_`, `-`, `.`, leading letter or digit. */
export function junosName(max: number, fallback: string, what: string) {
  return z
    .string()
    .regex(/^[A-Za-z0-9][A-Za-z0-9_.-]*$/, `${what} must start with a letter or digit and use only letters, digits, "_", "-" or "."`)
    .max(max, `${what} is limited to ${max} characters`)
    .default(fallback)
    .describe(what);
}

export const junosCommitOptions = {
  configureMode: z
    .enum(['exclusive', 'private'])
    .default('exclusive')
    .describe('push: `configure exclusive` (default) or `configure private` (no commit confirmed there)'),
  commitConfirmedMinutes: z
    .number()
    .int()
    .min(0)
    .max(65535)
    .default(5)
    .describe('push: `commit confirmed N` before the final `commit`, so a change that cuts access rolls back; 0 commits directly'),
};

export const PRIVATE_WITHOUT_CONFIRM = {
  check: (o: { configureMode: string; commitConfirmedMinutes: number }) => o.configureMode !== 'private' || o.commitConfirmedMinutes === 0,
  message: 'Junos refuses `commit confirmed` in `configure private` mode: use configureMode "exclusive" or commitConfirmedMinutes 0',
};

export interface JunosList {
  family: Family;
  name: string;
}

export interface JunosPlanOptions {
  placeholderV4: string;
  placeholderV6: string;
  configureMode: 'exclusive' | 'private';
  commitConfirmedMinutes: number;
}

/** One candidate holding only the difference (set before delete), reviewed, checked, committed. */
export function planJunosLists(lists: JunosList[], diff: BanDiff, wanted: BanSet, options: JunosPlanOptions): DevicePlan {
  const placeholders = parsePlaceholders(options);
  const changes: string[] = [];
  for (const list of lists) {
    const { add, remove } = planFamilyChange(diff, wanted, list.family, placeholders[list.family]);
    for (const prefix of add) changes.push(`set policy-options prefix-list ${list.name} ${formatPrefix(prefix, true)}`);
    for (const prefix of remove) changes.push(`delete policy-options prefix-list ${list.name} ${formatPrefix(prefix, true)}`);
  }
  if (changes.length === 0) return { apply: [], commit: [], abort: [] };
  const confirm = options.commitConfirmedMinutes > 0 ? [`commit confirmed ${options.commitConfirmedMinutes}`] : [];
  return {
    apply: [`configure ${options.configureMode}`, ...changes, 'show | compare'],
    commit: ['commit check', ...confirm, 'commit', 'exit'],
    abort: ['rollback 0', 'exit configuration-mode'],
  };
}

/** `show configuration ... | display set | match` narrowed to the managed lists. */
export function showJunosLists(lists: JunosList[]): string {
  const names = lists.map((l) => l.name.replace(/\./g, '\\.')).join('|');
  return `show configuration policy-options | display set | match "prefix-list (${names}) "`;
}

/**
 * The prefixes the managed lists hold. Only `set policy-options prefix-list NAME p/len` (and the
 * bare `set ... NAME` of an empty list) are accepted for a managed NAME; any other statement on
 * it (`deactivate`, `apply-path`, a wrong family) is an error naming the line.
 */
export function parseJunosLists(device: string, output: string, lists: JunosList[]): Prefix[] {
  const prefixes: Prefix[] = [];
  for (const line of cleanCliOutput(output)) {
    const words = line.trim().split(/\s+/);
    const list = words[1] === 'policy-options' && words[2] === 'prefix-list' ? lists.find((l) => l.name === words[3]) : undefined;
    if (list === undefined) continue;
    const member = words[0] !== 'set' || words.length > 5 ? 'not a plain "set" of a prefix' : readMember(words[4], list.family);
    if (typeof member === 'string') {
      throw new DeviceError(device, undefined, `unreadable line for prefix-list ${list.name}: ${JSON.stringify(line)} (${member})`);
    }
    if (member !== undefined) prefixes.push(member);
  }
  return prefixes;
}

function readMember(text: string | undefined, family: Family): Prefix | string | undefined {
  if (text === undefined) return undefined;
  if (!text.includes('/')) return 'prefix without a length';
  const prefix = tryParsePrefix(text);
  if (typeof prefix === 'string') return prefix;
  return prefix.family === family ? prefix : `an IPv${prefix.family} prefix in the IPv${family} list`;
}

export const JUNOS_ERRORS: RegExp[] = [
  /^error: /m,
  /syntax error/,
  /configuration check-out failed/,
  /commit failed/,
  /^unknown command/m,
  /^missing argument/m,
  /is ambiguous/,
];

/** `user@router>` (operational) and `user@router#` (configuration). */
export const JUNOS_PROMPT = /^[A-Za-z0-9_.-]+@[A-Za-z0-9_.-]+[>#] ?$/m;

/** Paging and line wrapping off, so `show` output arrives whole. */
export const JUNOS_PREPARE = ['set cli screen-length 0', 'set cli screen-width 0'];
