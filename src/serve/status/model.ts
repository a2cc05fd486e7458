/**
 * What the status page and /status.json show, as one plain object built from the daemon's
 * state, the configuration, the sync history and the last push. No secret ever enters it:
 * URLs of path-token outputs carry the placeholder `<token>` (the daemon keeps only SHA-256
 * digests of tokens, so there is nothing else it could show), devices appear by name, driver
 * and host, and errors are the one-line, secret-free messages of the sync and push jobs.
 */
import type { Config } from '../../config/schema.js';
import type { DeviceResult } from '../../fleet/device-result.js';
import type { BlockedFamily } from '../../fleet/blocked.js';
import type { HistoryEvent } from '../../sync/history/event.js';
import type { LastSync } from '../http/health.js';
import type { ServedOutput } from '../outputs/served-outputs.js';
import type { PublishedSet } from '../../sync/published-set.js';
import type { BlockedTraffic } from './blocked.js';
import { describeEdge, type EdgeClientStatus, type EdgeInputs } from './edge.js';
import { describeOutputs, type OutputStatus, type OutputsContext } from './outputs.js';
import { verdictOf, type Verdict } from './verdict.js';

export interface StatusModel {
  generatedAt: string;
  /** Green, amber or red, with every current problem: the first thing the page says. */
  verdict: Verdict;
  set: { size: number; v4: number; v6: number; source: string; syncedAt: string } | null;
  /** serve.maxAge: a set older than this is stale (/healthz answers 503). */
  maxAgeSeconds: number;
  apiban: { keyConfigured: boolean; lastAnswerAt: string | null; lastOutcome: string | null; failingSince: string | null };
  lastSync: { at: string; ok: boolean; full: boolean; size: number; durationMs: number; error?: string | undefined } | null;
  /** Since when syncs fail without a success in between; null while the last one succeeded. */
  syncFailingSince: string | null;
  /** A sync running now (it may be waiting to retry APIBAN); null between syncs. */
  syncRunning: { since: string; retrying: boolean } | null;
  /** When the next sync starts; null while one runs. */
  nextSyncAt: string | null;
  guard: { allowEmpty: boolean; maxShrink: number; refusing: boolean; message?: string | undefined };
  history: Array<{ at: string; kind: string; ok: boolean; size: number; added: number; removed: number }>;
  /** serve.status.staleFetchAfter (default 3 sync intervals). */
  staleFetchAfterSeconds: number;
  outputs: OutputStatus[];
  devices: Array<{ name: string; driver: string; host: string; lastPush: LastPush | null; blocked: DeviceBlocked | null }>;
  /** The fleet's blocked traffic after each push, where any device reports it. */
  blocked: Array<{ at: string; packets: number; bytes: number }>;
  /** The edge ingest's clients (docs/edge.md); null when ingest is off. */
  edge: EdgeClientStatus[] | null;
}

/** Totals since this daemon started, per family; null in `devices` means "not reported". */
export type DeviceBlocked = Partial<Record<BlockedFamily, { packets: number; bytes?: number }>>;

export interface LastPush {
  at: string;
  result: string;
  added: number;
  removed: number;
  sent: number;
  error?: string;
}

/** What APIBAN last answered, and since when it has failed (unset while it answers). */
export interface ApibanFact {
  at: number;
  outcome: string;
  failingSince?: number | undefined;
}

export interface StatusInputs extends OutputsContext {
  latestSet?: PublishedSet | undefined;
  lastSync?: LastSync | undefined;
  syncFailingSince?: number | undefined;
  syncRunningSince?: number | undefined;
  lastApiban?: ApibanFact | undefined;
  nextSyncAt?: number | undefined;
  outputs: readonly ServedOutput[];
  history: readonly HistoryEvent[];
  pushes?: { at: number; results: readonly DeviceResult[] } | undefined;
  blocked?: BlockedTraffic;
  edge?: EdgeInputs | undefined;
}

export function buildStatusModel(input: StatusInputs): StatusModel {
  const { latestSet: set, lastSync, config } = input;
  const counts = set?.bans.counts();
  const model: Omit<StatusModel, 'verdict'> = {
    generatedAt: new Date(input.now).toISOString(),
    set:
      set === undefined || counts === undefined
        ? null
        : { size: counts.total, v4: counts.v4, v6: counts.v6, source: set.source, syncedAt: set.syncedAt.toISOString() },
    maxAgeSeconds: Math.round(config.serve.maxAge / 1000),
    apiban: {
      keyConfigured: config.apiban.key !== undefined,
      lastAnswerAt: iso(input.lastApiban?.at),
      lastOutcome: input.lastApiban?.outcome ?? null,
      failingSince: iso(input.lastApiban?.failingSince),
    },
    lastSync: lastSync === undefined ? null : { ...lastSync, at: lastSync.at.toISOString() },
    syncFailingSince: iso(input.syncFailingSince),
    syncRunning: syncRunning(input),
    nextSyncAt: input.syncRunningSince === undefined ? iso(input.nextSyncAt) : null,
    guard: guardState(config, lastSync),
    history: input.history.map((e) => ({ at: e.at, kind: e.kind, ok: e.ok, size: e.size, added: e.addedCount, removed: e.removedCount })),
    staleFetchAfterSeconds: Math.round(input.staleFetchAfterMs / 1000),
    outputs: describeOutputs(input.outputs, input),
    devices: config.push.devices.map((device) => ({
      name: device.name,
      driver: device.driver,
      host: device.host,
      lastPush: lastPush(input.pushes, device.name),
      blocked: deviceBlocked(input.blocked, device.name),
    })),
    blocked: (input.blocked?.series ?? []).map((p) => ({ at: new Date(p.at).toISOString(), packets: p.packets, bytes: p.bytes })),
    edge: describeEdge(input.edge),
  };
  const { generatedAt, ...rest } = model;
  return { generatedAt, verdict: verdictOf(model, input.now), ...rest };
}

/** APIBAN answers that mean "wait and ask again": a sync that got one since it started is retrying. */
const RETRIED_OUTCOMES = new Set(['rate-limited', 'error']);

function syncRunning(input: StatusInputs): StatusModel['syncRunning'] {
  const since = input.syncRunningSince;
  if (since === undefined) return null;
  const apiban = input.lastApiban;
  const retrying = apiban !== undefined && apiban.at >= since && RETRIED_OUTCOMES.has(apiban.outcome);
  return { since: new Date(since).toISOString(), retrying };
}

function deviceBlocked(blocked: BlockedTraffic | undefined, device: string): DeviceBlocked | null {
  const totals = blocked?.totals.of(device);
  if (totals === undefined) return null;
  return Object.fromEntries(
    totals.map((t) => [t.family, t.bytes === undefined ? { packets: t.packets } : { packets: t.packets, bytes: t.bytes }]),
  );
}

function iso(ms: number | undefined): string | null {
  return ms === undefined ? null : new Date(ms).toISOString();
}

/** The guard refuses when the last sync's error is its own (PublishRefusedError messages start with "[guard]"). */
function guardState(config: Config, lastSync: LastSync | undefined): StatusModel['guard'] {
  const refusing = lastSync?.ok === false && (lastSync.error ?? '').startsWith('[guard]');
  return {
    allowEmpty: config.guards.allowEmpty,
    maxShrink: config.guards.maxShrink,
    refusing,
    ...(refusing ? { message: lastSync?.error } : {}),
  };
}

function lastPush(pushes: StatusInputs['pushes'], device: string): LastPush | null {
  const result = pushes?.results.find((r) => r.device === device);
  if (pushes === undefined || result === undefined) return null;
  return {
    at: new Date(pushes.at).toISOString(),
    result: result.result,
    added: result.added,
    removed: result.removed,
    sent: result.sent,
    ...(result.error === undefined ? {} : { error: result.error }),
  };
}
