/**
 * Rendering columns as text, straight into one buffer of ASCII: a million entries become one
 * buffer instead of a million small strings and a join. Both families share the line rules.
 */
import { formatNetmask } from './address.js';
import type { Column4 } from './column.js';
import type { Column6 } from './column6.js';
import { WORDS6 } from './words128.js';

/**
 * How each entry is written: `linePrefix` + entry + `lineSuffix` + LF, where a host is
 * `hostWord` + address when a host word is given (Cisco's `host 192.0.2.1`), an IPv4 network is
 * `address MASK` when `netmask` is set (Cisco; IPv6 keeps prefix notation), and otherwise
 * `address/len`, with the host length written only under `explicitLength` (Junos, SRX). Strings
 * must be plain ASCII.
 */
export interface TextStyle {
  linePrefix?: string;
  lineSuffix?: string;
  hostWord?: string;
  netmask?: boolean;
  explicitLength?: boolean;
}

const MASK_TEXT = Array.from({ length: 33 }, (_, length) => Buffer.from(formatNetmask(length), 'latin1'));
const HEX = Buffer.from('0123456789abcdef', 'latin1');
/** The longest address texts, IPv4 and IPv6 (eight full groups). */
const MAX_V4 = 15;
const MAX_V6 = 39;

interface Pieces {
  prefix: Buffer;
  suffix: Buffer;
  hostWord: Buffer | undefined;
  netmask: boolean;
  explicitLength: boolean;
}

/** Every entry of both columns (either may be absent), one per line in `style`, as one string. */
export function formatColumnsText(v4: Column4 | undefined, v6: Column6 | undefined, style: TextStyle = {}): string {
  return formatColumnsBytes(v4, v6, style).toString('latin1');
}

/**
 * formatColumnsText as ASCII bytes. A digest or a file written from these leaves no million-byte
 * string behind: a Buffer's memory goes back once its small handle is collected.
 */
export function formatColumnsBytes(v4: Column4 | undefined, v6: Column6 | undefined, style: TextStyle = {}): Buffer {
  const pieces: Pieces = {
    prefix: Buffer.from(style.linePrefix ?? '', 'latin1'),
    suffix: Buffer.from(style.lineSuffix ?? '', 'latin1'),
    hostWord: style.hostWord === undefined ? undefined : Buffer.from(style.hostWord, 'latin1'),
    netmask: style.netmask === true,
    explicitLength: style.explicitLength === true,
  };
  // The most one line can take: the output buffer is sized for that, nothing is measured first.
  const around = pieces.prefix.length + pieces.suffix.length + 1;
  const hostWord = pieces.hostWord?.length ?? 0;
  const line4 = around + MAX_V4 + Math.max(hostWord, pieces.netmask ? 1 + MAX_V4 : 3);
  const line6 = around + MAX_V6 + Math.max(hostWord, 4);
  const out = Buffer.allocUnsafe((v4?.networks.length ?? 0) * line4 + (v6?.lengths.length ?? 0) * line6 + 2);
  let at = v4 === undefined ? 0 : writeColumn4(out, 0, v4, pieces);
  if (v6 !== undefined) at = writeColumn6(out, at, v6, pieces);
  return out.subarray(0, at);
}

function writeBytes(out: Buffer, at: number, bytes: Buffer): number {
  for (let k = 0; k < bytes.length; k++) out[at++] = bytes[k];
  return at;
}

/** 0..255 as decimal ASCII: per value its length, then three bytes (the unused ones get overwritten). */
const DECIMAL = new Uint8Array(256 * 4);
for (let value = 0; value < 256; value++) {
  const text = String(value);
  DECIMAL[value * 4] = text.length;
  for (let k = 0; k < text.length; k++) DECIMAL[value * 4 + 1 + k] = text.charCodeAt(k);
}

/**
 * Writes 0..255 as decimal ASCII at `at`; returns the new offset. Always stores three bytes
 * (no branch per digit): the buffer is sized with room past the longest line for that.
 */
function writeDecimal(out: Buffer, at: number, value: number): number {
  const from = value * 4;
  out[at] = DECIMAL[from + 1];
  out[at + 1] = DECIMAL[from + 2];
  out[at + 2] = DECIMAL[from + 3];
  return at + DECIMAL[from];
}

/** The `/len`, netmask or nothing after the address, the suffix and the LF. */
function writeTail(out: Buffer, at: number, length: number, hostLength: number, pieces: Pieces): number {
  if (length !== hostLength && pieces.netmask && hostLength === 32) {
    out[at++] = 32;
    at = writeBytes(out, at, MASK_TEXT[length]);
  } else if (length !== hostLength || (pieces.explicitLength && pieces.hostWord === undefined)) {
    out[at++] = 47;
    at = writeDecimal(out, at, length);
  }
  at = writeBytes(out, at, pieces.suffix);
  out[at++] = 10;
  return at;
}

function writeColumn4(out: Buffer, at: number, { networks, lengths }: Column4, pieces: Pieces): number {
  for (let i = 0; i < networks.length; i++) {
    const n = networks[i];
    at = writeBytes(out, at, pieces.prefix);
    if (lengths[i] === 32 && pieces.hostWord !== undefined) at = writeBytes(out, at, pieces.hostWord);
    at = writeDecimal(out, at, n >>> 24);
    out[at++] = 46;
    at = writeDecimal(out, at, (n >>> 16) & 255);
    out[at++] = 46;
    at = writeDecimal(out, at, (n >>> 8) & 255);
    out[at++] = 46;
    at = writeDecimal(out, at, n & 255);
    at = writeTail(out, at, lengths[i], 32, pieces);
  }
  return at;
}

function writeColumn6(out: Buffer, at: number, { words, lengths }: Column6, pieces: Pieces): number {
  for (let i = 0; i < lengths.length; i++) {
    at = writeBytes(out, at, pieces.prefix);
    if (lengths[i] === 128 && pieces.hostWord !== undefined) at = writeBytes(out, at, pieces.hostWord);
    at = writeIPv6(out, at, words, i * WORDS6);
    at = writeTail(out, at, lengths[i], 128, pieces);
  }
  return at;
}

function group(words: Uint32Array, at: number, g: number): number {
  const word = words[at + (g >> 1)];
  return (g & 1) === 0 ? word >>> 16 : word & 0xffff;
}

/** RFC 5952 canonical text: lower case, the first longest run of two or more zero groups as `::`. */
export function writeIPv6(out: Buffer, at: number, words: Uint32Array, from: number): number {
  let bestStart = -1;
  let bestLength = 1;
  for (let g = 0; g < 8; g++) {
    if (group(words, from, g) !== 0) continue;
    let end = g;
    while (end < 8 && group(words, from, end) === 0) end++;
    if (end - g > bestLength) {
      bestStart = g;
      bestLength = end - g;
    }
    g = end;
  }
  for (let g = 0; g < 8; g++) {
    if (g === bestStart) {
      out[at++] = 58;
      out[at++] = 58;
      g += bestLength - 1;
      continue;
    }
    if (g > 0 && g !== bestStart + bestLength) out[at++] = 58;
    const value = group(words, from, g);
    for (let shift = value >= 0x1000 ? 12 : value >= 0x100 ? 8 : value >= 0x10 ? 4 : 0; shift >= 0; shift -= 4)
      out[at++] = HEX[(value >>> shift) & 15];
  }
  return at;
}
