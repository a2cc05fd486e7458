/** Shared checks for the target writer tests: building sets, rendering, strict line patterns. */
import { expect } from 'chai';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { parsePrefix } from '../../src/banset/address.js';
import { createBanSet, type BanSet } from '../../src/banset/banset.js';
import { applyPolicy, DEFAULT_POLICY, parseEntries } from '../../src/banset/policy.js';
import type { AnyTargetWriter } from '../../src/writers/contract.js';
import { renderOutput, type OutputShape } from '../../src/writers/render.js';

export const set = (...entries: string[]): BanSet => createBanSet(entries.map(parsePrefix));

export const MIXED = ['192.0.2.10', '198.51.100.0/24', '203.0.113.7', '2001:db8::1', '2001:db8:1::/48'];

/** `count` distinct IPv4 hosts from 10.0.0.0 up, every other address (so aggregation cannot merge them). */
export function manyHosts(count: number): BanSet {
  return createBanSet(Array.from({ length: count }, (_, i) => ({ family: 4 as const, network: 0x0a000000 + i * 2, length: 32 })));
}

/** The one valid address among strings a hostile feed might send, after the safety policy. */
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
  return result.error!.issues.map((issue) => `${issue.path.join('.')}: ${issue.message}`).join('\n');
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
    expect(patterns.some((pattern) => pattern.test(line)), `unexpected line ${JSON.stringify(line)}`).to.equal(true);
  }
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
