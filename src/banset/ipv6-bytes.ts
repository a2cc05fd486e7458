/**
 * IPv6 straight from and to bytes, into and out of the four-word form (words128.ts), for list
 * files and rendered lists: no string, no BigInt per address. The parser is a fast path only: it
 * accepts a subset of what address.ts accepts (no embedded IPv4, nothing over 49 characters) and
 * returns -1 for everything else, which the caller then hands to the strict string parser for
 * the verdict and the exact reason. It must never accept what that parser refuses.
 */
import { isNetwork128 } from './words128.js';

/** The longest text tryParsePrefix reads at all. */
const MAX_CHARS = 49;
const GROUPS = new Uint32Array(8);

/** Value of a hex digit, or -1. */
function hexValue(c: number): number {
  if (c >= 48 && c <= 57) return c - 48;
  if (c >= 97 && c <= 102) return c - 87;
  if (c >= 65 && c <= 70) return c - 55;
  return -1;
}

/**
 * Parses `bytes[start, end)` as a strict IPv6 address or CIDR into `out` at `at` (four words) and
 * returns the prefix length, or -1 when the fast path does not take it (see above).
 */
export function parseIPv6Bytes(bytes: Uint8Array, start: number, end: number, out: Uint32Array, at: number): number {
  if (end - start > MAX_CHARS) return -1;
  let slash = start;
  while (slash < end && bytes[slash] !== 47 /* / */) slash++;
  const length = slash === end ? 128 : parseLength(bytes, slash + 1, end);
  const count = length < 0 ? -1 : parseGroups(bytes, start, slash);
  if (count < 0) return -1;
  // GROUPS holds the groups before "::" then those after it; spread them around the zeros.
  const gap = count >> 4;
  const groups = count & 15;
  for (let k = 0; k < 4; k++) out[at + k] = 0;
  for (let g = 0; g < groups; g++) {
    const position = g < gap ? g : 8 - groups + g;
    out[at + (position >> 1)] |= (position & 1) === 0 ? GROUPS[g] << 16 : GROUPS[g];
  }
  return isNetwork128(out, at, length) ? length : -1;
}

/** A prefix length 0-128 in plain decimal (no sign, no leading zero), or -1. */
function parseLength(bytes: Uint8Array, from: number, end: number): number {
  if (from === end || end - from > 3 || (bytes[from] === 48 && end - from > 1)) return -1;
  let length = 0;
  for (let i = from; i < end; i++) {
    const c = bytes[i];
    if (c < 48 || c > 57) return -1;
    length = length * 10 + (c - 48);
  }
  return length <= 128 ? length : -1;
}

/**
 * Reads colon-separated groups of 1-4 hex digits into GROUPS, with at most one "::". Returns
 * groups + 16 * (index of the "::", or 8 without one), or -1 when the groups are not a full
 * address (8 groups without "::", at most 7 with it).
 */
function parseGroups(bytes: Uint8Array, start: number, end: number): number {
  let i = start;
  let count = 0;
  let gap = -1;
  if (end - i >= 2 && bytes[i] === 58 && bytes[i + 1] === 58) {
    gap = 0;
    i += 2;
  }
  while (i < end) {
    let value = 0;
    let digits = 0;
    for (let v = hexValue(bytes[i]); v >= 0; v = i < end ? hexValue(bytes[i]) : -1) {
      if (++digits > 4) return -1;
      value = value * 16 + v;
      i++;
    }
    if (digits === 0 || count === 8) return -1;
    GROUPS[count++] = value;
    if (i === end) break;
    if (bytes[i] !== 58 /* : */ || ++i === end) return -1;
    if (bytes[i] === 58) {
      if (gap >= 0) return -1;
      gap = count;
      i++;
    }
  }
  if (gap < 0 ? count !== 8 : count > 7) return -1;
  return count + 16 * (gap < 0 ? 8 : gap);
}
