/**
 * The page's first line: green when nothing needs a person, amber when something degrades but
 * the firewalls still get a good list, red when they do not (no list, a list older than
 * serve.maxAge, the guard holding back a new one, a device whose push failed). Each problem names
 * the page section that explains it, and since when it has been so where that is known.
 */
import { anchorId } from './escape.js';
import { span } from './time.js';

export type Level = 'ok' | 'warn' | 'bad';

export interface Problem {
  level: Exclude<Level, 'ok'>;
  text: string;
  /** The id of the page element that explains it. */
  section: string;
  /** Since when it has been so (ISO), where known. */
  since?: string | undefined;
  /** The output or device it is about; the page lists those with the same `text` together. */
  subject?: string | undefined;
}

export interface Verdict {
  level: Level;
  problems: Problem[];
}

/** The parts of the status model (status-model.ts) a verdict is drawn from. */
export interface ModelFacts {
  set: { syncedAt: string } | null;
  maxAgeSeconds: number;
  apiban: { lastOutcome: string | null; failingSince: string | null };
  lastSync: { ok: boolean } | null;
  syncFailingSince: string | null;
  guard: { refusing: boolean };
  devices: ReadonlyArray<{ name: string; lastPush: { at: string; result: string } | null }>;
  outputs: ReadonlyArray<{ name: string; fetches: { stale: boolean; lastFetchAt: string | null } }>;
  staleFetchAfterSeconds: number;
}

/** APIBAN outcomes that are a problem by themselves; rate limits are waited out and show on the sync. */
const APIBAN_PROBLEMS: Record<string, string> = {
  error: 'APIBAN unreachable',
  unauthorized: 'APIBAN refuses the key',
  malformed: 'APIBAN answers malformed data',
};

export function verdictOf(model: ModelFacts, now: number): Verdict {
  const problems = [...setProblems(model, now), ...syncProblems(model), ...deviceProblems(model), ...outputProblems(model)].filter(
    (p): p is Problem => p !== undefined,
  );
  const level = problems.some((p) => p.level === 'bad') ? 'bad' : problems.length > 0 ? 'warn' : 'ok';
  return { level, problems };
}

function setProblems(m: ModelFacts, now: number): Array<Problem | undefined> {
  if (m.set === null) {
    return m.lastSync?.ok === false
      ? [{ level: 'bad', text: 'no list served: no sync has succeeded yet', section: 'last-sync', since: m.syncFailingSince ?? undefined }]
      : [{ level: 'warn', text: 'starting: the first sync has not finished', section: 'set-size' }];
  }
  const age = now - Date.parse(m.set.syncedAt);
  if (age <= m.maxAgeSeconds * 1000) return [];
  return [{ level: 'bad', text: 'the set is older than serve.maxAge', section: 'set-synced', since: m.set.syncedAt }];
}

function syncProblems(m: ModelFacts): Array<Problem | undefined> {
  const since = m.syncFailingSince ?? undefined;
  const apiban = m.apiban.lastOutcome === null ? undefined : APIBAN_PROBLEMS[m.apiban.lastOutcome];
  return [
    m.guard.refusing ? { level: 'bad', text: 'the guard refuses to publish the new set', section: 'guard', since } : undefined,
    m.lastSync?.ok === false && !m.guard.refusing && m.set !== null
      ? { level: 'warn', text: 'syncs failing', section: 'last-sync', since }
      : undefined,
    apiban === undefined ? undefined : { level: 'warn', text: apiban, section: 'apiban-last', since: m.apiban.failingSince ?? undefined },
  ];
}

function deviceProblems(m: ModelFacts): Problem[] {
  return m.devices
    .filter((d) => d.lastPush?.result === 'failed' || d.lastPush?.result === 'refused')
    .map((d) => ({
      level: 'bad',
      text: `devices whose push ${d.lastPush?.result === 'refused' ? 'was refused' : 'failed'}`,
      subject: d.name,
      section: anchorId('device', d.name),
      since: d.lastPush?.at,
    }));
}

function outputProblems(m: ModelFacts): Problem[] {
  return m.outputs
    .filter((o) => o.fetches.stale)
    .map((o) => ({
      level: 'warn',
      text:
        o.fetches.lastFetchAt === null
          ? 'outputs no client fetched since start'
          : `outputs no client fetched for over ${span(m.staleFetchAfterSeconds * 1000)}`,
      subject: o.name,
      section: anchorId('output', o.name),
      since: o.fetches.lastFetchAt ?? undefined,
    }));
}
