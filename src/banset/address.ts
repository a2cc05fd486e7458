/**
 * Strict IPv4/IPv6 address and CIDR parsing and canonical formatting.
 *
 * Strict means: exactly what a device CLI reads unambiguously, nothing else. No whitespace or
 * control characters, no leading zeros in IPv4 octets or prefix lengths (some parsers read them as
 * octal), no zone ids, no IPv4 shorthand (`10.1`), no host bits beyond the mask (`192.0.2.5/24` is
 * an error, not silently widened to the /24: a typo must not ban a whole network). Anything a feed
 * sends that fails here is counted and dropped, so it can never reach a device command.
 */
import { InvalidAddressError } from '../errors.js';

export type Family = 4 | 6;
export interface Prefix4 {
  readonly family: 4;
  readonly network: number;
  readonly length: number;
}
export interface Prefix6 {
  readonly family: 6;
  readonly network: bigint;
  readonly length: number;
}
export type Prefix = Prefix4 | Prefix6;

export const FAMILY_BITS = { 4: 32, 6: 128 } as const;
const V6_MAX = (1n << 128n) - 1n;

/** Parses a strict address or CIDR; throws InvalidAddressError naming the problem. */
export function parsePrefix(input: string): Prefix {
  const result = tryParsePrefix(input);
  if (typeof result === 'string') throw new InvalidAddressError(input, result);
  return result;
}

/** Like parsePrefix, but returns the reason as a string instead of throwing (hot path for feeds). */
export function tryParsePrefix(input: string): Prefix | string {
  if (input.length === 0) return 'empty';
  if (input.length > 49) return 'too long';
  const slash = input.indexOf('/');
  const addressPart = slash < 0 ? input : input.slice(0, slash);
  const v6 = addressPart.includes(':');
  const bits = v6 ? 128 : 32;
  let length = bits;
  if (slash >= 0) {
    const parsed = parseLength(input.slice(slash + 1), bits);
    if (typeof parsed === 'string') return parsed;
    length = parsed;
  }
  if (v6) {
    const network = parseIPv6(addressPart);
    if (typeof network === 'string') return network;
    if (length < 128 && (network & ((1n << BigInt(128 - length)) - 1n)) !== 0n) return 'host bits set beyond the prefix length';
    return { family: 6, network, length };
  }
  const network = parseIPv4(addressPart);
  if (network < 0) return 'not an IPv4 or IPv6 address';
  if (length < 32 && network % 2 ** (32 - length) !== 0) return 'host bits set beyond the prefix length';
  return { family: 4, network, length };
}

function parseLength(text: string, bits: number): number | string {
  if (!/^(0|[1-9][0-9]{0,2})$/.test(text)) return 'prefix length is not a plain decimal number';
  const length = Number(text);
  return length <= bits ? length : `prefix length ${length} is longer than ${bits}`;
}

/** Returns the address as an unsigned 32-bit number, or -1 when the text is not a strict dotted quad. */
export function parseIPv4(text: string): number {
  const key = parseIPv4Range(text, 0, text.length, false);
  return key < 0 ? -1 : (key - 32) / 64;
}

/** Addresses in an IPv4 block of each length: a table, because `2 ** n` per entry shows at a million. */
export const BLOCK4 = Float64Array.from({ length: 33 }, (_, length) => 2 ** (32 - length));

/** The longest strict IPv4 CIDR, `255.255.255.255/32`. */
const IPV4_MAX_CHARS = 18;
const SCRATCH = new Uint8Array(IPV4_MAX_CHARS);

/**
 * parseIPv4Bytes for a string: copies at most 18 characters into a scratch buffer (anything
 * outside ASCII becomes 0, which no rule accepts), so there is one parser for text and bytes.
 */
export function parseIPv4Range(text: string, start: number, end: number, allowLength = true): number {
  if (end - start > IPV4_MAX_CHARS) return -1;
  for (let i = start; i < end; i++) {
    const c = text.charCodeAt(i);
    SCRATCH[i - start] = c < 128 ? c : 0;
  }
  return parseIPv4Bytes(SCRATCH, 0, end - start, allowLength);
}

/**
 * The hot path for list files: parses `bytes[start, end)` as a strict IPv4 address or CIDR
 * without allocating, and returns it packed as network * 64 + length, or -1 when it is anything
 * else (IPv6, junk, host bits set: the caller then takes the slow path for the exact reason).
 */
export function parseIPv4Bytes(bytes: Uint8Array, start: number, end: number, allowLength = true): number {
  const network = scanIPv4(bytes, start, end, allowLength);
  return network >= 0 && SCANNED.end === end ? network * 64 + SCANNED.length : -1;
}

/** What scanIPv4 read besides the network: the prefix length, and the first byte after the text. */
export const SCANNED = { length: 0, end: 0 };

/**
 * Reads a strict IPv4 address or CIDR from `start` up to the first byte that cannot continue it
 * (`end` bounds the read) and returns its network, or -1 when what is there is not one; the
 * length and where it stopped are left in SCANNED. A list parser checks what follows itself;
 * without `allowLength` a `/` ends the address like any other byte.
 */
export function scanIPv4(bytes: Uint8Array, start: number, end: number, allowLength = true): number {
  let value = 0;
  let i = start;
  // Four octets of one to three digits, unrolled: a byte loop with a state per digit costs more.
  for (let octetIndex = 0; octetIndex < 4; octetIndex++) {
    if (octetIndex > 0 && (i >= end || bytes[i++] !== 46) /* . */) return -1;
    const first = i < end ? bytes[i] - 48 : -1;
    if (first < 0 || first > 9) return -1;
    let octet = first;
    const second = ++i < end ? bytes[i] - 48 : -1;
    if (second >= 0 && second <= 9) {
      if (first === 0) return -1; // leading zero: some parsers read octal
      octet = octet * 10 + second;
      const third = ++i < end ? bytes[i] - 48 : -1;
      if (third >= 0 && third <= 9) {
        octet = octet * 10 + third;
        const fourth = ++i < end ? bytes[i] - 48 : -1;
        if (octet > 255 || (fourth >= 0 && fourth <= 9)) return -1;
      }
    }
    value = value * 256 + octet;
  }
  SCANNED.end = i;
  SCANNED.length = 32;
  if (!allowLength || i === end || bytes[i] !== 47 /* / */) return value;
  let length = 0;
  let j = i + 1;
  for (; j < end && j < i + 3 && bytes[j] >= 48 && bytes[j] <= 57; j++) length = length * 10 + (bytes[j] - 48);
  const lengthDigits = j - i - 1;
  if (lengthDigits === 0 || (lengthDigits === 2 && bytes[i + 1] === 48)) return -1;
  if (length > 32 || value % BLOCK4[length] !== 0) return -1;
  SCANNED.end = j;
  SCANNED.length = length;
  return value;
}

const HEX_GROUP = /^[0-9a-fA-F]{1,4}$/;

function parseIPv6(text: string): bigint | string {
  const halves = text.split('::');
  if (halves.length > 2) return 'more than one "::"';
  const compressed = halves.length === 2;
  // An embedded IPv4 address may only stand in the last two groups of the whole address.
  const head = parseGroups(halves[0], !compressed);
  if (typeof head === 'string') return head;
  const tail = compressed ? parseGroups(halves[1], true) : [];
  if (typeof tail === 'string') return tail;
  const zeros = 8 - head.length - tail.length;
  if (compressed ? zeros < 1 : zeros !== 0) return 'wrong number of IPv6 groups';
  // One BigInt from 32 hex digits is far cheaper than eight shifts of intermediate BigInts.
  const groups = [...head, ...new Array<number>(compressed ? zeros : 0).fill(0), ...tail];
  return BigInt(`0x${groups.map((g) => g.toString(16).padStart(4, '0')).join('')}`);
}

function parseGroups(part: string, allowTrailingIPv4: boolean): number[] | string {
  if (part === '') return [];
  const texts = part.split(':');
  const groups: number[] = [];
  for (let i = 0; i < texts.length; i++) {
    const text = texts[i];
    if (allowTrailingIPv4 && i === texts.length - 1 && text.includes('.')) {
      const v4 = parseIPv4(text);
      if (v4 < 0) return 'bad embedded IPv4 address';
      groups.push(Math.floor(v4 / 65536), v4 % 65536);
    } else if (HEX_GROUP.test(text)) {
      groups.push(parseInt(text, 16));
    } else {
      return `bad IPv6 group ${JSON.stringify(text)}`;
    }
  }
  return groups;
}

export function formatIPv4(value: number): string {
  return `${value >>> 24}.${(value >>> 16) & 255}.${(value >>> 8) & 255}.${value & 255}`;
}

/** RFC 5952 canonical text: lower case, longest run of two or more zero groups compressed. */
export function formatIPv6(value: bigint): string {
  const hex32 = value.toString(16).padStart(32, '0');
  const groups = Array.from({ length: 8 }, (_, i) => parseInt(hex32.slice(i * 4, i * 4 + 4), 16));
  let bestStart = -1;
  let bestLength = 1;
  for (let i = 0; i < 8; ) {
    if (groups[i] !== 0) {
      i++;
      continue;
    }
    let j = i;
    while (j < 8 && groups[j] === 0) j++;
    if (j - i > bestLength) {
      bestStart = i;
      bestLength = j - i;
    }
    i = j;
  }
  const hex = groups.map((g) => g.toString(16));
  if (bestStart < 0) return hex.join(':');
  return `${hex.slice(0, bestStart).join(':')}::${hex.slice(bestStart + bestLength).join(':')}`;
}

export function formatAddress(prefix: Prefix): string {
  return prefix.family === 4 ? formatIPv4(prefix.network) : formatIPv6(prefix.network);
}

/**
 * Canonical text of a prefix. A single host is written bare unless `explicitLength` is set
 * (Junos and SRX feeds want `/32` and `/128`; a blind `/32` on IPv6 would be wrong).
 */
export function formatPrefix(prefix: Prefix, explicitLength = false): string {
  const address = formatAddress(prefix);
  return !explicitLength && prefix.length === FAMILY_BITS[prefix.family] ? address : `${address}/${prefix.length}`;
}

/** Dotted netmask for an IPv4 prefix length (Cisco wants `255.255.255.0`, not `/24`). */
export function formatNetmask(length: number): string {
  return formatIPv4(length === 0 ? 0 : (0xffffffff << (32 - length)) >>> 0);
}

/** First and last address of a prefix, in the family's number type. */
export function prefixRange4(p: Prefix4): [number, number] {
  return [p.network, p.network + 2 ** (32 - p.length) - 1];
}
export function prefixRange6(p: Prefix6): [bigint, bigint] {
  return [p.network, p.network | (V6_MAX >> BigInt(p.length))];
}

export function isHost(prefix: Prefix): boolean {
  return prefix.length === FAMILY_BITS[prefix.family];
}

export function comparePrefixes(a: Prefix, b: Prefix): number {
  if (a.family !== b.family) return a.family - b.family;
  if (a.network !== b.network) return a.network < b.network ? -1 : 1;
  return a.length - b.length;
}
