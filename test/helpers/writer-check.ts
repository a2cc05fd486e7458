/** Shared checks for the target writer tests: building sets, rendering, strict line patterns. */
import { expect } from 'chai';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { create } from 'xmlbuilder2';
import { join } from 'node:path';
import { formatPrefix, parsePrefix, tryParsePrefix, type Prefix } from '../../src/banset/address.js';
import { createBanSet, type BanSet } from '../../src/banset/banset.js';
import { applyPolicy, DEFAULT_POLICY, parseEntries } from '../../src/banset/policy.js';
import type { AnyTargetWriter } from '../../src/writers/contract.js';
import { maskLength } from '../../src/writers/cisco.js';
import { renderOutput, type OutputShape } from '../../src/writers/render.js';
import { present } from './present.js';

export const set = (...entries: string[]): BanSet => createBanSet(entries.map(parsePrefix));

export const MIXED = ['192.0.2.10', '198.51.100.0/24', '203.0.113.7', '2001:db8::1', '2001:db8:1::/48'];

/** `count` distinct IPv4 hosts from 10.0.0.0 up, every other address (so aggregation cannot merge them). */
export function manyHosts(count: number): BanSet {
  return createBanSet(Array.from({ length: count }, (_, i) => ({ family: 4 as const, network: 0x0a000000 + i * 2, length: 32 })));
}

/**
 * The one valid address among strings a hostile feed might send, after the safety policy. This
 * checks the parser and policy in front of a writer; a writer never sees the hostile text, so
 * the writer-level checks are edgeBans(), addressTokens() and hostileOptionValues().
 */
export function hostileBans(): BanSet {
  const hostile = ['192.0.2.1\nreload', '$(reboot)', '"; drop', '192.0.2.5/24', '2001:db8::1%eth0', '`id`', '203.0.113.9'];
  return applyPolicy(parseEntries(hostile, 'hostile'), DEFAULT_POLICY).bans;
}

export function render(writer: AnyTargetWriter, bans: BanSet, options: object = {}, shape?: OutputShape): string {
  return renderOutput(writer, bans, writer.options.parse(options), shape);
}

/** Asserts the options are refused and returns the messages, so tests can check they are clear. */
export function optionProblems(writer: AnyTargetWriter, options: object): string {
  const result = writer.options.safeParse(options);
  expect(result.success, `options ${JSON.stringify(options)} should be refused`).to.equal(false);
  return present(result.error, 'a parse error')
    .issues.map((issue) => `${issue.path.join('.')}: ${issue.message}`)
    .join('\n');
}

const OCTET = '(?:25[0-5]|2[0-4]\\d|1\\d\\d|[1-9]?\\d)';
export const IPV4 = `(?:${OCTET}\\.){3}${OCTET}`;
export const IPV6 = '[0-9a-f]{0,4}(?::[0-9a-f]{0,4}){2,7}';
export const PREFIX4 = `${IPV4}(?:/(?:3[0-2]|[12]?\\d))?`;
export const PREFIX6 = `${IPV6}(?:/(?:12[0-8]|1[01]\\d|[1-9]?\\d))?`;
export const PREFIX = `(?:${PREFIX4}|${PREFIX6})`;

/** Every line of `body` must match one of the anchored patterns; the body ends with one newline. */
export function expectEveryLine(body: string, patterns: RegExp[]): void {
  expect(body.endsWith('\n'), 'body ends with a newline').to.equal(true);
  for (const line of body.slice(0, -1).split('\n')) {
    expect(
      patterns.some((pattern) => pattern.test(line)),
      `unexpected line ${JSON.stringify(line)}`,
    ).to.equal(true);
  }
}

/**
 * Prefixes at the edges of each family that the safety policy would never let through (this
 * network, broadcast, loopback, a /1, link-local, all-ones, zero runs a formatter must compress
 * correctly), built straight into a BanSet: what a writer does with any prefix shows here.
 */
export const EDGE_PREFIXES = [
  '0.0.0.0/8',
  '10.0.0.1',
  '127.0.0.1',
  '128.0.0.0/2',
  '255.255.255.255',
  '::1',
  '100::/8',
  '2001:db8::1:0:0:1',
  '2001:db8:0:1::/127',
  'fe80::1',
  'ffff:ffff:ffff:ffff:ffff:ffff:ffff:ffff',
];

export function edgeBans(): BanSet {
  return set(...EDGE_PREFIXES);
}

const IPV4_TOKEN = String.raw`\d{1,3}(?:\.\d{1,3}){3}`;
const IPV6_TOKEN = '[0-9A-Fa-f]{0,4}(?::[0-9A-Fa-f]{0,4}){2,7}';
/** An IPv4 address (with a Cisco mask after a space, maybe) or an IPv6 one, and maybe a length. */
const ADDRESS_TOKEN = new RegExp(String.raw`(?<![\w.:])(?:${IPV4_TOKEN}(?: ${IPV4_TOKEN})?|${IPV6_TOKEN})(?:/\d{1,3})?(?![\w.:])`, 'g');

/**
 * Every address-like token of a rendered body as the prefix it stands for, in order. Cisco's
 * `A MASK` pairs count as one prefix; `/32` and `/128` may be written out. A token that is not
 * the canonical text of its prefix (upper case, leading zeros, uncompressed zeros, host bits,
 * a mask that is not contiguous) comes back as an error string instead.
 */
export function addressTokens(body: string): (Prefix | string)[] {
  return [...body.matchAll(ADDRESS_TOKEN)].map(([token]) => {
    const [address, mask] = token.split(' ');
    const length = mask === undefined ? undefined : maskLength(mask.split('/')[0]);
    if (length !== undefined && (length < 0 || mask.includes('/'))) return `${token}: not address and contiguous mask`;
    const text = length === undefined ? address : `${address}/${length}`;
    const prefix = tryParsePrefix(text);
    if (typeof prefix === 'string') return `${token}: ${prefix}`;
    const canonical = [formatPrefix(prefix), formatPrefix(prefix, true)];
    return canonical.includes(text) ? prefix : `${token}: not canonical (${canonical[0]})`;
  });
}

/** Option values that would break out of a name, a quoted string or a line if written raw. */
export const HOSTILE_OPTION_VALUES = ['X\nreload', 'X\r\nwrite erase', 'X"; reboot', "X' $(reboot)", 'X</name><script>', 'X\u0000'];

function stringLeaves(value: unknown): string[] {
  if (typeof value === 'string') return [value];
  if (value !== null && typeof value === 'object') return Object.values(value).flatMap(stringLeaves);
  return [];
}

/**
 * Asserts a hostile option value stayed data: in JSON and XML it must come back, whole, as one
 * string of the parsed document (escaped, not breaking out); in line formats, which have no
 * escaping, it must not be there at all.
 */
export function expectContained(writer: AnyTargetWriter, body: string, value: string, label: string): void {
  const type = writer.http.contentType;
  if (!type.includes('json') && !type.includes('xml')) return void expect(body, `${label} written raw`).not.to.include(value);
  const document = type.includes('json') ? (JSON.parse(body) as unknown) : create(body).end({ format: 'object' });
  expect(stringLeaves(document), `${label} did not survive as one string`).to.include(value);
}

type ZodNode = { _zod: { def: { type: string; innerType?: ZodNode; in?: ZodNode; shape?: Record<string, ZodNode> } } };

/** Paths to every string-valued option field (through defaults, optionals and nested objects). */
export function stringOptionPaths(schema: unknown, path: string[] = []): string[][] {
  const def = (schema as ZodNode)._zod.def;
  if (def.type === 'string') return [path];
  if (def.innerType !== undefined) return stringOptionPaths(def.innerType, path);
  if (def.type === 'pipe' && def.in !== undefined) return stringOptionPaths(def.in, path);
  if (def.type === 'object' && def.shape !== undefined) {
    return Object.entries(def.shape).flatMap(([key, child]) => stringOptionPaths(child, [...path, key]));
  }
  return [];
}

/** A copy of `options` with the value at `path` replaced (objects created on the way). */
export function withOption(options: object, path: string[], value: unknown): object {
  const [head, ...rest] = path;
  const current = options as Record<string, unknown>;
  const child = (current[head] ?? {}) as object;
  return { ...current, [head]: rest.length === 0 ? value : withOption(child, rest, value) };
}

const tempDirs: string[] = [];

/** Writes `body` to a fresh temporary file and returns its path (for tools that read files). */
export function tempFile(name: string, body: string): string {
  const dir = mkdtempSync(join(tmpdir(), 'apiban-writer-'));
  tempDirs.push(dir);
  const path = join(dir, name);
  writeFileSync(path, body);
  return path;
}

/** Deletes every file tempFile made; call it from an `after` hook. */
export function removeTempFiles(): void {
  for (const dir of tempDirs.splice(0)) rmSync(dir, { recursive: true, force: true });
}

export { skipWhen } from './skip.js';
