/**
 * From what the sources said to what may be published: APIBAN's active entries (or the sample),
 * merged with the local list sources, through the safety policy (strict parsing, protected
 * ranges, allowlist, minimum prefix length), then the guard against the last published size.
 */
import { readFile } from 'node:fs/promises';
import { parsePrefix, type Prefix } from '../banset/address.js';
import type { BanSet } from '../banset/banset.js';
import { checkPublishable, type GuardOverrides, type GuardSettings } from '../banset/guard.js';
import { applyPolicy, parseEntries, parseListText, type BanPolicy, type Candidates } from '../banset/policy.js';
import type { Config } from '../config/schema.js';
import { ConfigError, errorDetail } from '../errors.js';
import type { Logger } from '../log.js';
import type { PublishedSet } from './published-set.js';
import { loadSources, type SourceOutcome } from './sources.js';
import type { Sightings } from './sync-state.js';
import type { StateStore } from './store.js';

export type SetBase =
  | { kind: 'apiban'; entries: Sightings; cursor?: string | undefined }
  | { kind: 'sample'; text: string }
  /** No APIBAN key, local lists configured: those lists are the whole set. */
  | { kind: 'local' };

export interface AssembleContext {
  config: Config;
  stateDir: string;
  log: Logger;
  now: number;
  /** The writer's store (refreshes source caches); absent for read-only callers. */
  store?: StateStore | undefined;
  signal?: AbortSignal | undefined;
}

export interface AssembledSet {
  published: PublishedSet;
  sources: SourceOutcome[];
}

export async function assembleSet(ctx: AssembleContext, base: SetBase): Promise<AssembledSet> {
  const candidates =
    base.kind === 'apiban'
      ? parseEntries(base.entries.keys(), 'apiban')
      : parseListText(base.kind === 'sample' ? base.text : '', base.kind);
  const sources = await loadSources(ctx.config.sources, {
    stateDir: ctx.stateDir,
    log: ctx.log,
    timeoutMs: ctx.config.apiban.timeout,
    store: ctx.store,
    signal: ctx.signal,
  });
  for (const source of sources) parseListText(source.text, source.name, candidates);
  const policy = await buildPolicy(ctx.config.policy);
  const { bans, report } = applyPolicy(candidates, policy);
  const published: PublishedSet = { bans, report, syncedAt: new Date(ctx.now), source: base.kind };
  if (base.kind === 'apiban' && base.cursor !== undefined) published.cursor = base.cursor;
  return { published, sources: sources.map((s) => s.status) };
}

/**
 * The guard, measured against the last set that passed it (state.publishedSize): the one rule
 * that both the sync service and the read-only export/check path apply before publishing.
 */
export function guardPublication(
  what: 'sync' | 'export',
  state: { publishedSize?: number | undefined } | undefined,
  published: PublishedSet,
  guards: GuardSettings,
  overrides?: GuardOverrides,
): void {
  checkPublishable(what, state?.publishedSize, published.bans.size, guards, overrides);
}

/** APIBAN entries still active at `now` (lastSeen within the expiry period). */
export function activeEntries(entries: Sightings, now: number, expiryMs: number): Sightings {
  const active: Sightings = new Map();
  for (const [address, seen] of entries) if (seen.lastSeen + expiryMs > now) active.set(address, seen);
  return active;
}

const ACCEPT_ALL: BanPolicy = { allowlist: [], protectSpecialRanges: false, minPrefixLength: { v4: 0, v6: 0 }, aggregate: false };

/** Candidates as a set with no policy applied (allowlists, and `check` looking up who listed an address). */
export function unfilteredSet(candidates: Candidates): BanSet {
  return applyPolicy(candidates, ACCEPT_ALL).bans;
}

/**
 * The allowlist is what keeps the operator's own addresses reachable: an unreadable or invalid
 * allowlist file stops publishing (the last good set stays) instead of being skipped.
 */
export async function buildPolicy(policy: Config['policy']): Promise<BanPolicy> {
  const allowlist: Prefix[] = policy.allowlist.map((entry) => parsePrefix(entry));
  const problems: string[] = [];
  for (const [i, file] of policy.allowlistFiles.entries()) {
    const entries = await readAllowlistFile(file, `policy.allowlistFiles[${i}]`, problems);
    if (entries !== undefined) for (const prefix of unfilteredSet(entries).prefixes()) allowlist.push(prefix);
  }
  if (problems.length > 0) throw new ConfigError('allowlist', problems);
  return {
    allowlist,
    protectSpecialRanges: policy.protectSpecialRanges,
    minPrefixLength: policy.minPrefixLength,
    aggregate: policy.aggregate,
  };
}

async function readAllowlistFile(file: string, where: string, problems: string[]): Promise<Candidates | undefined> {
  let text: string;
  try {
    text = await readFile(file, 'utf8');
  } catch (error) {
    problems.push(`${where}: cannot read ${file} (${errorDetail(error)})`);
    return undefined;
  }
  const entries = parseListText(text, file);
  for (const bad of entries.invalidSamples) problems.push(`${where}: ${JSON.stringify(bad.entry.slice(0, 60))} in ${file}: ${bad.reason}`);
  return entries.invalid > 0 ? undefined : entries;
}
