/**
 * `GET /` (HTML) and `GET /status.json`, guarded by serve.adminAccess like /healthz and /metrics.
 * Both are rendered once per change of what they show (a sync, a push, a reload, an APIBAN
 * answer), not per request: the inputs are compared by identity, and the bytes are reused while
 * they are the same. The sync history is re-read only when a sync has finished.
 */
import type { IncomingMessage, ServerResponse } from 'node:http';
import type { Config } from '../../config/schema.js';
import type { DeviceResult } from '../../fleet/device-result.js';
import type { HistoryEvent } from '../../sync/history/event.js';
import { eventsSince, parseHistory, readHistoryText } from '../../sync/history/read.js';
import type { Registry } from 'prom-client';
import { checkAccess } from '../http/access.js';
import type { Logger } from '../../log.js';
import { BlockedTraffic } from './blocked.js';
import { loadBlocked, saveBlocked } from './blocked-store.js';
import { sendBody, sendStatus } from '../http/respond.js';
import { CHART_DAYS, STATUS_CSP, renderStatusHtml } from './html.js';
import { FetchLog } from './fetch-log.js';
import { buildStatusModel, type ApibanFact, type StatusInputs } from './model.js';
import type { EdgeFeed, EdgeTally } from '../../edge/events.js';
import type { ServedState } from '../served-state.js';
import { errorMessage } from '../../errors.js';

export const STATUS_PATHS = ['/', '/status.json'] as const;

/** What the daemon knows besides ServedState. */
export interface StatusSources {
  config(): Config;
  stateDir(): string;
  tls(): boolean;
  listenOrigin(): string;
  /** The sync loop's interval: the next sync is due that long after the last one ended. */
  intervalMs(): number;
  /** Where a failed save or an unreadable blocked.json is reported. */
  log?: Logger;
}

/** Facts the daemon records for the page as they happen. */
export interface StatusFacts {
  lastApiban?: ApibanFact;
  pushes?: { at: number; results: readonly DeviceResult[] };
}

/** APIBAN answers after which a sync cannot go on: the page counts how long they have lasted. */
const APIBAN_FAILURES = new Set(['error', 'unauthorized', 'malformed']);

/** serve.status.staleFetchAfter when given, else three sync intervals. */
export function staleFetchAfterMs(config: Config, intervalMs: number): number {
  return config.serve.status.staleFetchAfter ?? 3 * intervalMs;
}

interface Rendered {
  key: readonly unknown[];
  origin: string;
  html: string;
  json: string;
}

export class StatusPage {
  private readonly facts: StatusFacts = {};
  private rendered?: Rendered;
  private history: { after?: unknown; events: HistoryEvent[] } = { events: [] };

  private readonly blocked: BlockedTraffic;
  /** The edge ingest, when serve carries one: its section is absent without it. */
  private edge?: { feed: EdgeFeed; tally: EdgeTally };
  /** Saves run one after another, so an older snapshot never lands after a newer one. */
  private saving: Promise<void> = Promise.resolve();

  /** Outputs never fetched count as stale once the daemon has run for staleFetchAfter. */
  private readonly startedAt: number;

  constructor(
    private readonly state: ServedState,
    private readonly sources: StatusSources,
    registry?: Registry,
    private readonly now: () => number = Date.now,
    /** Who fetches each output; the request handler records into it. */
    readonly fetches: FetchLog = new FetchLog(registry, now),
  ) {
    this.blocked = new BlockedTraffic(registry);
    this.startedAt = now();
  }

  /** Each APIBAN answer: the page shows the last one, and since when APIBAN has failed. */
  recordApiban(outcome: string): void {
    const at = this.now();
    const failing = APIBAN_FAILURES.has(outcome);
    const failingSince = failing ? (this.facts.lastApiban?.failingSince ?? at) : undefined;
    this.facts.lastApiban = { at, outcome, failingSince };
  }

  /** A finished push (serve's scheduled pushes): the fleet table, the blocked counters and their series. */
  recordPush(results: readonly DeviceResult[]): void {
    const at = this.now();
    if (this.blocked.record(at, results)) this.saveBlocked();
    this.facts.pushes = { at, results };
  }

  /** The edge ingest's clients, and the tally of what they did since start. */
  watchEdge(feed: EdgeFeed, tally: EdgeTally): void {
    this.edge = { feed, tally };
  }

  /** At start: the totals a previous run saved; an unreadable file is reported and counting starts afresh. */
  async restoreBlocked(): Promise<void> {
    try {
      const saved = await loadBlocked(this.sources.stateDir());
      if (saved !== undefined) this.blocked.restore(saved);
    } catch (error) {
      this.sources.log?.warn({ error: errorMessage(error) }, 'blocked-traffic totals not restored');
    }
  }

  /** Resolves when every save queued so far has finished (tests, shutdown). */
  flushed(): Promise<void> {
    return this.saving;
  }

  private saveBlocked(): void {
    const snapshot = this.blocked.toFile();
    const stateDir = this.sources.stateDir();
    this.saving = this.saving
      .then(() => saveBlocked(stateDir, snapshot))
      .catch((error: Error) => {
        this.sources.log?.warn({ error: error.message }, 'blocked-traffic totals not saved');
      });
  }

  async render(origin: string): Promise<Rendered> {
    const { state, facts } = this;
    const now = this.now();
    // Relative times and staleness move with the clock: a page is reused within one second at most.
    const key = [
      Math.floor(now / 1000),
      this.fetches.version,
      state.view,
      state.latestSet,
      state.lastSync,
      state.syncRunningSince,
      facts.lastApiban,
      facts.pushes,
      this.sources.config(),
      this.edge?.tally.version,
    ];
    const cached = this.rendered;
    if (cached !== undefined && cached.origin === origin && key.every((part, i) => part === cached.key[i])) return cached;
    const events = await this.historyEvents();
    const config = this.sources.config();
    const intervalMs = this.sources.intervalMs();
    const inputs: StatusInputs = {
      now,
      origin,
      latestSet: state.latestSet,
      lastSync: state.lastSync,
      syncFailingSince: state.syncFailingSince,
      syncRunningSince: state.syncRunningSince,
      config,
      outputs: state.view.site.outputs,
      history: events,
      ...facts,
      blocked: this.blocked,
      fetches: this.fetches,
      startedAt: this.startedAt,
      staleFetchAfterMs: staleFetchAfterMs(config, intervalMs),
      edge: this.edge === undefined ? undefined : { clients: this.edge.feed.clients(), tally: this.edge.tally },
      nextSyncAt: state.lastSync === undefined ? undefined : state.lastSync.at.getTime() + state.lastSync.durationMs + intervalMs,
    };
    const model = buildStatusModel(inputs);
    this.rendered = { key, origin, html: renderStatusHtml(model), json: `${JSON.stringify(model, null, 2)}\n` };
    return this.rendered;
  }

  /** Answers a request for `/` or `/status.json`; returns the status code sent. */
  async serve(req: IncomingMessage, res: ServerResponse, path: string, pathToken: string | undefined): Promise<number> {
    if (req.method !== 'GET' && req.method !== 'HEAD') {
      sendStatus(req, res, 405, { allow: 'GET, HEAD' });
      return 405;
    }
    const decision = checkAccess(this.state.view.site.admin, {
      remoteAddress: req.socket.remoteAddress,
      authorization: req.headers.authorization,
      pathToken,
    });
    if (!decision.ok) {
      sendStatus(req, res, decision.status, decision.challenge === undefined ? {} : { 'www-authenticate': decision.challenge });
      return decision.status;
    }
    const rendered = await this.render(this.origin(req));
    const json = path === '/status.json';
    sendBody(req, res, 200, json ? rendered.json : rendered.html, {
      'content-type': json ? 'application/json; charset=utf-8' : 'text/html; charset=utf-8',
      'cache-control': 'no-store',
      // Nothing on the page loads from elsewhere; the policy makes that a promise the browser keeps.
      'content-security-policy': STATUS_CSP,
    });
    return 200;
  }

  /** The origin firewalls use to reach this server: the Host the viewer used, when it is a plain host[:port]. */
  private origin(req: IncomingMessage): string {
    const host = req.headers.host;
    const scheme = this.sources.tls() ? 'https' : 'http';
    return host !== undefined && /^[A-Za-z0-9.-]{1,253}(:\d{1,5})?$|^\[[0-9A-Fa-f:.]{2,45}\](:\d{1,5})?$/.test(host)
      ? `${scheme}://${host}`
      : this.sources.listenOrigin();
  }

  private async historyEvents(): Promise<HistoryEvent[]> {
    if (this.history.after !== this.state.lastSync || this.history.after === undefined) {
      const since = this.now() - CHART_DAYS * 86_400_000;
      try {
        this.history = {
          after: this.state.lastSync,
          events: eventsSince(parseHistory(await readHistoryText(this.sources.stateDir())), since),
        };
      } catch {
        this.history = { after: this.state.lastSync, events: [] }; // an unreadable history must not take the page down
      }
    }
    return this.history.events;
  }
}
