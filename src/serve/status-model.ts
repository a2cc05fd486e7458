/**
 * What the status page and /status.json show, as one plain object built from the daemon's
 * state, the configuration, the sync history and the last push. No secret ever enters it:
 * URLs of path-token outputs carry the placeholder `<token>` (the daemon keeps only SHA-256
 * digests of tokens, so there is nothing else it could show), devices appear by name, driver
 * and host, and errors are the one-line, secret-free messages of the sync and push jobs.
 */
import type { Config } from '../config/schema.js';
import type { DeviceResult } from '../push/run.js';
import type { BlockedFamily } from '../push/counters/blocked.js';
import type { HistoryEvent } from '../sync/history-event.js';
import type { SyncOutcome } from './health.js';
import type { ServedOutput } from './outputs.js';
import type { PublishedSet } from '../sync/published-set.js';
import type { BlockedTraffic } from './status-blocked.js';
import { firewallSettings, type FirewallSetting } from './status-firewall.js';

export interface StatusModel {
  generatedAt: string;
  set: { size: number; v4: number; v6: number; source: string; syncedAt: string } | null;
  apiban: { lastAnswerAt: string | null; lastOutcome: string | null };
  lastSync: { at: string; ok: boolean; full: boolean; size: number; durationMs: number; error?: string | undefined } | null;
  nextSyncAt: string | null;
  guard: { allowEmpty: boolean; maxShrink: number; refusing: boolean; message?: string | undefined };
  history: Array<{ at: string; kind: string; ok: boolean; size: number; added: number; removed: number }>;
  outputs: Array<{ name: string; target: string; url: string; protected: boolean; firewall?: FirewallSetting | undefined }>;
  devices: Array<{ name: string; driver: string; host: string; lastPush: LastPush | null; blocked: DeviceBlocked | null }>;
  /** The fleet's blocked traffic after each push, where any device reports it. */
  blocked: Array<{ at: string; packets: number; bytes: number }>;
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

export interface StatusInputs {
  now: number;
  origin: string;
  latestSet?: PublishedSet | undefined;
  lastSync?: SyncOutcome | undefined;
  lastApiban?: { at: number; outcome: string };
  nextSyncAt?: number | undefined;
  config: Config;
  outputs: readonly ServedOutput[];
  history: readonly HistoryEvent[];
  pushes?: { at: number; results: readonly DeviceResult[] };
  blocked?: BlockedTraffic;
}

export function buildStatusModel(input: StatusInputs): StatusModel {
  const { latestSet: set, lastSync, config } = input;
  const counts = set?.bans.counts();
  return {
    generatedAt: new Date(input.now).toISOString(),
    set:
      set === undefined || counts === undefined
        ? null
        : { size: counts.total, v4: counts.v4, v6: counts.v6, source: set.source, syncedAt: set.syncedAt.toISOString() },
    apiban: { lastAnswerAt: iso(input.lastApiban?.at), lastOutcome: input.lastApiban?.outcome ?? null },
    lastSync: lastSync === undefined ? null : { ...lastSync, at: lastSync.at.toISOString() },
    nextSyncAt: iso(input.nextSyncAt),
    guard: guardState(config, lastSync),
    history: input.history.map((e) => ({ at: e.at, kind: e.kind, ok: e.ok, size: e.size, added: e.addedCount, removed: e.removedCount })),
    outputs: input.outputs.map((output) => describeOutput(output, input.origin)),
    devices: config.push.devices.map((device) => ({
      name: device.name,
      driver: device.driver,
      host: device.host,
      lastPush: lastPush(input.pushes, device.name),
      blocked: deviceBlocked(input.blocked, device.name),
    })),
    blocked: (input.blocked?.series ?? []).map((p) => ({ at: new Date(p.at).toISOString(), packets: p.packets, bytes: p.bytes })),
  };
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
function guardState(config: Config, lastSync: SyncOutcome | undefined): StatusModel['guard'] {
  const refusing = lastSync?.ok === false && (lastSync.error ?? '').startsWith('[guard]');
  return {
    allowEmpty: config.guards.allowEmpty,
    maxShrink: config.guards.maxShrink,
    refusing,
    ...(refusing ? { message: lastSync?.error } : {}),
  };
}

function describeOutput(output: ServedOutput, origin: string): StatusModel['outputs'][number] {
  const tokenOnly = output.access.pathToken !== undefined;
  const url = `${origin}${tokenOnly ? '/t/<token>' : ''}${output.path}`;
  const isProtected =
    output.access.basic !== undefined || output.access.bearer !== undefined || tokenOnly || output.access.allow !== undefined;
  return { name: output.name, target: output.writer.name, url, protected: isProtected, firewall: firewallSettings(output, url) };
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
