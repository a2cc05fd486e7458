/**
 * Pieces every device dialect shares: cleaning captured CLI output before it is parsed, and the
 * per-family change a push makes, including the placeholder that keeps a list from ever being
 * empty (IOS and ASA refuse to empty a group an ACL references; an empty Junos prefix-list in a
 * filter term is at best a commit warning).
 */
import * as z from 'zod';
import { FAMILY_BITS, comparePrefixes, parsePrefix, tryParsePrefix, type Family, type Prefix } from '../banset/address.js';
import type { BanSet } from '../banset/banset.js';
import type { BanDiff } from '../banset/diff.js';
import { ANSI_ESCAPE, PAGER_ARTEFACTS } from './terminal-artefacts.js';

/** Lines of captured output with pager artefacts, terminal escapes and CR line endings removed. */
export function cleanCliOutput(output: string): string[] {
  let text = output.replace(ANSI_ESCAPE, '');
  for (const artefact of PAGER_ARTEFACTS) text = text.replace(artefact, '');
  return text.split('\n').map((line) => line.replace(/\r+$/, '').replace(/\s+$/, ''));
}

/** A host address of one family, validated strictly; used as the never-empty placeholder. */
export function placeholderHost(family: Family, fallback: string) {
  return z
    .string()
    .refine(
      (value) => {
        const parsed = tryParsePrefix(value);
        return typeof parsed !== 'string' && parsed.family === family && parsed.length === FAMILY_BITS[family];
      },
      { message: `must be a single IPv${family} host address (no prefix length)` },
    )
    .default(fallback)
    .describe(`IPv${family} host kept in the list when it would otherwise be empty (a documentation address by default)`);
}

/** What one family's list must gain and lose, adds first in the order they should be sent. */
export interface FamilyChange {
  add: Prefix[];
  remove: Prefix[];
}

/**
 * The change for one family's list. `diff` compares the device's current list (as parsed, so it
 * includes a placeholder already there) with `wanted`. When `wanted` has nothing of this family
 * the placeholder stays (or is added first), so the list is never empty between two commands.
 * A list that is already empty or missing is left alone: there is nothing to keep non-empty.
 */
export function planFamilyChange(diff: BanDiff, wanted: BanSet, family: Family, placeholder: Prefix): FamilyChange {
  const add = diff.added.filter((p) => p.family === family);
  let remove = diff.removed.filter((p) => p.family === family);
  const wantedCount = family === 4 ? wanted.counts().v4 : wanted.counts().v6;
  if (wantedCount === 0 && remove.length > 0) {
    const keeps = remove.some((p) => comparePrefixes(p, placeholder) === 0);
    if (keeps) remove = remove.filter((p) => comparePrefixes(p, placeholder) !== 0);
    else add.unshift(placeholder);
  }
  return { add, remove };
}

export function parsePlaceholders(options: { placeholderV4: string; placeholderV6: string }): Record<Family, Prefix> {
  return { 4: parsePrefix(options.placeholderV4), 6: parsePrefix(options.placeholderV6) };
}
