/**
 * The edge ingest as a whole: who is calling (clients.ts), whether they may (rate and caps),
 * whether the ban may exist (admission.ts), the journal on disk first (journal.ts), then the book
 * in memory, then a debounced rebuild of the published set (the `onChange` serve gives). Changes
 * run one at a time, so the caps hold under concurrent calls and the journal's order is the book's.
 * Every outcome (accepted, refused by reason, expired, removed) goes to whoever watches (EdgeFeed).
 */
import { systemClock, type Clock } from '../apiban/clock.js';
import { formatPrefix, tryParsePrefix } from '../banset/address.js';
import type { BanPolicy } from '../banset/policy.js';
import type { IngestConfig } from '../config/ingest-schema.js';
import type { EdgeBanFact, EdgeClientNow, EdgeEvents, EdgeFeed, EdgeRefusal } from '../edge/events.js';
import type { Logger } from '../log.js';
import { admitBan } from './admission.js';
import { answers, type Answer } from './answers.js';
import type { EdgeBook } from './book.js';
import { bearerToken, forbiddenCaller, identifyClient, resolveClients, type EdgeClient } from './clients.js';
import type { EdgeSource } from './edge-set.js';
import { EdgeJournal } from './journal.js';
import { addressFromBody, isAnswer, parseCall, type EdgeCall } from './protocol.js';
import { RateLimiter } from './rate-limit.js';
import { ExpiryTimer } from './expiry-timer.js';
import { requestedTtl } from './ttl.js';

export interface EdgeRequest {
  method: string;
  url: string;
  remoteAddress: string | undefined;
  authorization: string | undefined;
  body: string;
}

export interface IngestOptions {
  config: IngestConfig;
  stateDir: string;
  log: Logger;
  policy: BanPolicy;
  /** The set has to be rebuilt (already debounced here). */
  onChange: () => void;
  clock?: Clock | undefined;
  /** How long the journal keeps the bans that ended (`check` and `history` read them): sync.history. */
  keepEndedMs: number;
}

/** Changes are gathered this long before the set is rebuilt: a burst of bans is one rebuild. */
export const REBUILD_DELAY_MS = 100;

export class EdgeIngest implements EdgeSource, EdgeFeed {
  private queue: Promise<unknown> = Promise.resolve();
  private currentPolicy: BanPolicy;
  private readonly rate: RateLimiter;
  private readonly expiry: ExpiryTimer;
  private readonly watchers: EdgeEvents[] = [];

  private constructor(
    private readonly options: IngestOptions,
    private readonly configured: readonly EdgeClient[],
    private readonly journal: EdgeJournal,
    private readonly book: EdgeBook,
    /** Each client's latest ban, restored from the journal. */
    private readonly lastBans: Map<string, EdgeBanFact>,
    private readonly clock: Clock,
  ) {
    this.currentPolicy = options.policy;
    this.rate = new RateLimiter(options.config.requestsPerSecond, clock);
    this.expiry = new ExpiryTimer(clock, REBUILD_DELAY_MS, () => this.rebuild());
  }

  static async open(options: IngestOptions): Promise<EdgeIngest> {
    const clock = options.clock ?? systemClock;
    const clients = resolveClients(options.config.clients);
    const { journal, replayed } = await EdgeJournal.open(options.stateDir, clock.now(), options.keepEndedMs);
    if (replayed.corrupt > 0)
      options.log.warn(
        { file: journal.path, skipped: replayed.corrupt, firstLine: replayed.firstCorruptLine },
        'edge journal: torn or corrupt lines skipped',
      );
    const ingest = new EdgeIngest(options, clients, journal, replayed.book, replayed.lastBans, clock);
    ingest.expiry.schedule(replayed.book.nextExpiry(clock.now()));
    return ingest;
  }

  policy(): BanPolicy {
    return this.currentPolicy;
  }

  /** A reload's policy: refusals use it from now on, the next rebuild filters stored bans by it. */
  setPolicy(policy: BanPolicy): void {
    this.currentPolicy = policy;
  }

  stamp(): number {
    this.sweep(this.clock.now());
    return this.book.version;
  }

  /** Bans run out by now are swept first (and counted as expired), so the counts agree with the live bans. */
  clients(): EdgeClientNow[] {
    const now = this.clock.now();
    this.sweep(now);
    return this.configured.map(({ name }) => ({ client: name, live: this.book.liveCount(name, now), lastBan: this.lastBans.get(name) }));
  }

  watch(events: EdgeEvents): void {
    this.watchers.push(events);
  }

  liveByClient(): Map<string, string[]> {
    const live = new Map<string, string[]>();
    for (const [client, key] of this.book.live(this.clock.now())) {
      const keys = live.get(client);
      if (keys === undefined) live.set(client, [key]);
      else keys.push(key);
    }
    return live;
  }

  async handle(request: EdgeRequest): Promise<Answer> {
    const call = parseCall(request.method, request.url);
    if (isAnswer(call)) return call;
    const client = identifyClient(this.configured, request.remoteAddress, call.pathToken ?? bearerToken(request.authorization));
    if (client === undefined) return this.refuse(forbiddenCaller(this.configured, request.remoteAddress), 'forbidden', answers.forbidden());
    if (!this.rate.take(client.name)) {
      const message = `client ${client.name} is over ${this.options.config.requestsPerSecond} requests per second`;
      return this.refuse(client.name, 'rate', answers.tooMany(message));
    }
    return this.serial(() => this.apply(client.name, call, request.body));
  }

  async close(): Promise<void> {
    this.expiry.stop();
    await this.queue.catch(() => undefined);
    await this.journal.close();
  }

  private serial(task: () => Promise<Answer>): Promise<Answer> {
    const run = this.queue.then(task);
    this.queue = run.catch(() => undefined);
    return run;
  }

  private async apply(client: string, call: EdgeCall, body: string): Promise<Answer> {
    if (call.verb === 'flush') {
      await this.journal.append({ op: 'flush', client, at: this.clock.now() });
      const flushed = this.book.flush(client).length;
      if (flushed > 0) {
        this.changed();
        this.tell((w) => w.removed(client, flushed));
      }
      this.options.log.info({ component: 'ingest', client }, 'edge bans flushed');
      return answers.flushed();
    }
    const address = call.fromBody ? addressFromBody(body) : (call.address as string);
    if (isAnswer(address)) return this.refuse(client, 'invalid', address);
    return call.verb === 'remove' ? this.unban(client, address) : this.ban(client, address, call);
  }

  private async unban(client: string, address: string): Promise<Answer> {
    const prefix = tryParsePrefix(address);
    if (typeof prefix === 'string') return this.refuse(client, 'invalid', answers.invalidAddress());
    const key = formatPrefix(prefix);
    const now = this.clock.now();
    if (this.book.get(client, key, now) !== undefined) {
      await this.journal.append({ op: 'unban', client, ban: key, at: now });
      this.book.unban(client, key);
      this.changed();
      this.tell((w) => w.removed(client, 1));
      this.options.log.info({ component: 'ingest', client, ban: key }, 'edge ban removed');
    }
    return answers.deleted();
  }

  private async ban(client: string, address: string, call: EdgeCall): Promise<Answer> {
    const { config, log } = this.options;
    const admission = admitBan(address, this.currentPolicy);
    if (!admission.ok) {
      if (admission.rule === 'invalid') return this.refuse(client, 'invalid', answers.invalidAddress());
      log.info({ component: 'ingest', client, rule: admission.rule }, admission.message);
      return this.refuse(client, admission.rule, answers.refused(admission.message));
    }
    const ttl = requestedTtl(call.ttl, config.ttl, config.maxTtl);
    if (typeof ttl === 'string') return this.refuse(client, 'ttl', answers.badRequest(ttl));
    const now = this.clock.now();
    // Bans already run out leave first, so they are counted as expired, not replaced unseen.
    this.sweep(now);
    const existing = this.book.get(client, admission.key, now);
    if (existing !== undefined && call.verb === 'push') return answers.alreadyExists();
    if (existing === undefined && this.book.liveCount(client, now) >= config.maxBansPerClient) {
      const message = `client ${client} holds ${config.maxBansPerClient} live bans (ingest.maxBansPerClient)`;
      return this.refuse(client, 'cap', answers.tooMany(message));
    }
    const until = Math.max(now + ttl, existing?.until ?? 0);
    await this.journal.append({ op: 'ban', client, ban: admission.key, until, at: now });
    this.book.ban(client, admission.key, { until, at: now });
    const fact: EdgeBanFact = { ban: admission.key, at: now, until };
    this.lastBans.set(client, fact);
    this.changed();
    this.tell((w) => w.accepted(client, fact));
    log.info({ component: 'ingest', client, ban: admission.key, until: new Date(until).toISOString() }, 'edge ban accepted');
    return call.verb === 'push' ? answers.pushed() : answers.added();
  }

  private refuse(client: string, reason: EdgeRefusal, answer: Answer): Answer {
    this.tell((w) => w.refused(client, reason));
    return answer;
  }

  /** Drops the bans whose time is up, and tells the watchers how many each client lost. */
  private sweep(now: number): void {
    const expired = new Map<string, number>();
    for (const [client] of this.book.expire(now)) expired.set(client, (expired.get(client) ?? 0) + 1);
    for (const [client, count] of expired) this.tell((w) => w.expired(client, count));
  }

  private tell(event: (watcher: EdgeEvents) => void): void {
    for (const watcher of this.watchers) event(watcher);
  }

  private changed(): void {
    this.expiry.schedule(this.book.nextExpiry(this.clock.now()));
    this.expiry.soon();
  }

  /** Rebuilds the set, and arms the timer for the next ban to run out. */
  private rebuild(): void {
    this.expiry.schedule(this.book.nextExpiry(this.clock.now()));
    this.options.onChange();
  }
}
