/**
 * Pieces several writers share: the header comment, the empty-list placeholder and the option
 * fields that go with them. Kept here so each target file holds only its vendor's format.
 */
import * as z from 'zod';
import { tryParsePrefix } from '../banset/address.js';
import type { BanSet, FamilyFilter } from '../banset/banset.js';

/**
 * A placeholder must itself be a strict address: it ends up in the same list as the bans.
 * pfBlockerNG's 127.1.7.7 is the convention; we default to none and a header comment only.
 */
export const placeholderOption = z
  .string()
  .refine((value) => typeof tryParsePrefix(value) !== 'string', { message: 'must be a strict IPv4/IPv6 address or CIDR' })
  .nullable()
  .default(null)
  .describe('entry written when the list is empty (pfBlockerNG uses 127.1.7.7); null writes none');

export const headerOption = z.boolean().default(true).describe('start the body with a "#" comment naming the source and count');

/** The header never carries a time: replicas holding the same set must serve identical bytes. */
export function headerLine(bans: BanSet, comment = '#'): string {
  const { v4, v6 } = bans.counts();
  return `${comment} APIBAN banned SIP sources (apiban-exporter); entries=${bans.size} v4=${v4} v6=${v6}`;
}

/** One canonical prefix per line, LF endings, a trailing newline after the last line. */
export function renderLines(
  bans: BanSet,
  options: { header: boolean; placeholder: string | null },
  family: FamilyFilter = 'both',
  explicitLength = false,
): string {
  const header = options.header ? `${headerLine(bans)}\n` : '';
  const placeholder = bans.size === 0 && options.placeholder !== null ? `${options.placeholder}\n` : '';
  return header + bans.text(family, explicitLength) + placeholder;
}

export const TEXT_PLAIN = 'text/plain; charset=utf-8';

/** Options of every one-entry-per-line target. */
export const lineListOptions = z.strictObject({ header: headerOption, placeholder: placeholderOption });
