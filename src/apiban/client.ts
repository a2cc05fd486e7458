/**
 * The APIBAN client (https://apiban.org/doc.html): v2 `POST /api/get|check` with a Bearer key by default,
 * v1 `GET /api/<KEY>/banned|check/...` on request. One undici Pool per client, paced under the
 * key's budget, 429 waited out, 5xx and network failures retried with back-off. The key is in
 * the v1 URL path, so every message that leaves this module goes through `redactSecrets`.
 */
import { readFileSync } from 'node:fs';
import { rootCertificates } from 'node:tls';
import type { Pool } from 'undici';
import { ApibanError, ApibanMalformedError, ApibanRateLimitError, ApibanUnauthorizedError, errorDetail } from '../errors.js';
import { redactSecrets, silentLogger, type Logger } from '../log.js';
import { systemClock, type Clock } from './clock.js';
import { DEFAULT_MAX_BODY_BYTES, FetchError, fetchCapped, type CappedRequest } from './fetch-capped.js';
import { Pacer, type Budget, type RequestLog } from './pacer.js';
import { classifyResponse, type ApibanOperation, type Classified } from './response.js';

export interface ApibanClientOptions {
  key: string;
  /** Origin only; `/api/...` is appended. */
  baseUrl: string;
  version: 'v2' | 'v1';
  set: 'sip' | 'http' | 'all';
  caFile?: string | undefined;
  timeoutMs: number;
  budget: Budget;
  clock?: Clock;
  log?: Logger;
  /** Request times from an earlier run that still count against the budget. */
  history?: readonly number[];
  /** The request log every process of the state directory shares, written before each request (pacer.ts). */
  journal?: RequestLog | undefined;
  /** Fail with BudgetSpentError instead of waiting for room in the budget (`check`). */
  neverWait?: boolean | undefined;
  /** Told before the pacer waits (progress on a terminal). */
  onWait?: ((ms: number, reason: 'budget' | 'rate-limited') => void) | undefined;
  /** Attempts for 5xx / network / truncated answers (default 4), first back-off delay (default 1 s). */
  retry?: { attempts?: number; baseDelayMs?: number; rateLimitWaits?: number } | undefined;
  maxBodyBytes?: number;
  /** Called once per APIBAN answer to `get` (metrics). */
  onOutcome?(outcome: ApibanOutcome): void;
}

export type ApibanOutcome = 'page' | 'caught-up' | 'unauthorized' | 'rate-limited' | 'error' | 'malformed';

/** The cursor that asks for the whole active list. */
export const FIRST_CURSOR = '100';

export type PageResult = { kind: 'page'; entries: string[]; next: string } | { kind: 'caught-up' };
export type CheckResult = { listed: true; id: string } | { listed: false };

export interface ApibanClient {
  fetchPage(cursor: string, signal?: AbortSignal): Promise<PageResult>;
  check(ip: string, signal?: AbortSignal): Promise<CheckResult>;
  /** Requests sent so far (every attempt counts). */
  readonly requests: number;
  /** Request times inside the current window, to persist with the state. */
  history(): number[];
  close(): Promise<void>;
}

export function createApibanClient(options: ApibanClientOptions): ApibanClient {
  return new HttpApibanClient(options);
}

class HttpApibanClient implements ApibanClient {
  requests = 0;
  private pool?: Pool;
  private readonly ca: (string | Buffer)[] | undefined;
  private readonly pacer: Pacer;
  private readonly clock: Clock;
  private readonly log: Logger;

  constructor(private readonly options: ApibanClientOptions) {
    this.clock = options.clock ?? systemClock;
    this.log = options.log ?? silentLogger;
    this.pacer = new Pacer(options.budget, this.clock, options.history, {
      journal: options.journal,
      neverWait: options.neverWait,
      inFlightMs: options.timeoutMs,
      onWait: options.onWait,
    });
    this.ca = readCa(options.caFile);
  }

  /** undici is loaded on the first request: commands that never reach APIBAN start without it. */
  private async connection(): Promise<Pool> {
    const { Pool } = await import('undici');
    this.pool ??= new Pool(new URL(this.options.baseUrl).origin, {
      connections: 1,
      connect: { ca: this.ca, timeout: this.options.timeoutMs },
    });
    return this.pool;
  }

  async fetchPage(cursor: string, signal?: AbortSignal): Promise<PageResult> {
    const result = await this.exchange('get', cursor, signal);
    if (result.kind === 'page' || result.kind === 'caught-up') return result;
    throw new ApibanMalformedError(`${this.describe('get', cursor)}: unexpected ${result.kind} answer`);
  }

  async check(ip: string, signal?: AbortSignal): Promise<CheckResult> {
    const result = await this.exchange('check', ip, signal);
    if (result.kind === 'listed') return { listed: true, id: result.id };
    if (result.kind === 'not-listed') return { listed: false };
    throw new ApibanMalformedError(`${this.describe('check', ip)}: unexpected ${result.kind} answer`);
  }

  history(): number[] {
    return this.pacer.history();
  }

  async close(): Promise<void> {
    await this.pool?.close();
  }

  /** One logical call: paced attempts until an answer that is not worth retrying. */
  private async exchange(operation: ApibanOperation, argument: string, signal?: AbortSignal): Promise<Classified> {
    const attempts = this.options.retry?.attempts ?? 4;
    const rateLimitWaits = this.options.retry?.rateLimitWaits ?? 5;
    let failures = 0;
    let waits = 0;
    for (;;) {
      const { answer, retryAfterMs } = await this.pacer.run(() => this.attempt(operation, argument, signal), signal);
      const outcome = this.settle(operation, argument, answer);
      this.report(operation, outcome.report);
      if (outcome.final) return answer as Classified;
      if (outcome.rateLimited) {
        if (++waits > rateLimitWaits)
          throw new ApibanRateLimitError(`429 rate limit exceeded ${waits} times in a row; giving up for now`, 429);
        // An absurd Retry-After must not park the service for days.
        const wait = Math.min(retryAfterMs ?? this.options.budget.windowMs, this.options.budget.windowMs * 10);
        this.log.warn({ component: 'apiban', waitMs: wait }, 'rate limited (429): waiting out the window');
        this.pacer.pauseUntil(this.clock.now() + wait);
        continue;
      }
      if (++failures >= attempts) throw outcome.error;
      const delay = (this.options.retry?.baseDelayMs ?? 1000) * 2 ** (failures - 1);
      this.log.warn({ component: 'apiban', attempt: failures, delayMs: delay }, `${outcome.error.message}; retrying`);
      await this.clock.sleep(delay, signal);
    }
  }

  /** Decides what an answer means for the loop; throws for answers no retry can fix. */
  private settle(operation: ApibanOperation, argument: string, answer: Classified | FetchError): Settled {
    const where = this.describe(operation, argument);
    const retry = (error: ApibanError): Settled => ({ final: false, rateLimited: false, error, report: 'error' });
    if (answer instanceof FetchError) {
      if (answer.reason === 'aborted') throw new ApibanError(`${where}: aborted`);
      if (answer.reason === 'too-large') this.report(operation, 'malformed');
      if (answer.reason === 'too-large') throw new ApibanMalformedError(this.redact(`${where}: ${answer.message}`));
      return retry(new ApibanError(this.redact(`${where}: ${answer.message}`)));
    }
    switch (answer.kind) {
      case 'page':
      case 'listed':
        return { final: true, report: 'page' };
      case 'caught-up':
      case 'not-listed':
        return { final: true, report: 'caught-up' };
      case 'rate-limited':
        return { final: false, rateLimited: true, report: 'rate-limited' };
      case 'server-error':
        return retry(new ApibanError(`${where}: server error ${answer.status}`, answer.status));
      case 'unauthorized':
        this.report(operation, 'unauthorized');
        throw new ApibanUnauthorizedError('403 unauthorized: check APIBAN_KEY', 403);
      case 'not-found':
        this.report(operation, 'error');
        throw new ApibanError(`${where}: 404 not found (check apiban.baseUrl and apiban.version)`, 404);
      case 'unexpected':
        this.report(operation, 'error');
        throw new ApibanError(this.redact(`${where}: unexpected status ${answer.status} (${answer.detail})`), answer.status);
      case 'malformed':
        this.report(operation, 'malformed');
        throw new ApibanMalformedError(this.redact(`${where}: malformed answer: ${answer.detail}`));
    }
  }

  private async attempt(operation: ApibanOperation, argument: string, signal?: AbortSignal) {
    this.requests++;
    try {
      const response = await fetchCapped(await this.connection(), { ...this.buildRequest(operation, argument), signal });
      const answer = classifyResponse(operation, response.status, response.text);
      return {
        answer,
        retryAfterMs: answer.kind === 'rate-limited' ? parseRetryAfter(response.headers['retry-after'], this.clock.now()) : undefined,
      };
    } catch (error) {
      if (error instanceof FetchError) return { answer: error, retryAfterMs: undefined };
      throw error;
    }
  }

  private buildRequest(operation: ApibanOperation, argument: string): Omit<CappedRequest, 'signal'> {
    const { key, version, set, timeoutMs } = this.options;
    const common = { timeoutMs, maxBytes: this.options.maxBodyBytes ?? DEFAULT_MAX_BODY_BYTES, headers: { accept: 'application/json' } };
    if (version === 'v1') {
      const tail = operation === 'get' ? `banned/${encodeURIComponent(argument)}` : `check/${encodeURIComponent(argument)}`;
      return { ...common, method: 'GET', path: `${this.basePath()}/api/${encodeURIComponent(key)}/${tail}` };
    }
    const body = operation === 'get' ? { set, id: argument } : { set, ipaddress: argument };
    return {
      ...common,
      method: 'POST',
      path: `${this.basePath()}/api/${operation}`,
      body: JSON.stringify(body),
      headers: { ...common.headers, authorization: `Bearer ${key}`, 'content-type': 'application/json' },
    };
  }

  /** A base URL may carry a path prefix (a mirror under /apiban); the Pool only takes the origin. */
  private basePath(): string {
    return new URL(this.options.baseUrl).pathname.replace(/\/+$/, '');
  }

  /** How a request is named in messages: never with the key. */
  private describe(operation: ApibanOperation, argument: string): string {
    const what = operation === 'get' ? `${this.options.version} get from cursor ${argument}` : `${this.options.version} check ${argument}`;
    return this.redact(what);
  }

  /** Metrics count `get` answers only: checks are user look-ups, not sync traffic. */
  private report(operation: ApibanOperation, outcome: ApibanOutcome): void {
    if (operation === 'get') this.options.onOutcome?.(outcome);
  }

  private redact(text: string): string {
    return redactSecrets(text, [this.options.key, encodeURIComponent(this.options.key)]);
  }
}

/** What one answer means for the retry loop. */
type Settled =
  | { final: true; report: ApibanOutcome }
  | { final: false; rateLimited: true; report: ApibanOutcome }
  | { final: false; rateLimited: false; error: ApibanError; report: ApibanOutcome };

/** The system's CAs plus the configured one: a mirror's private CA must not untrust apiban.org. */
function readCa(caFile: string | undefined): (string | Buffer)[] | undefined {
  if (caFile === undefined) return undefined;
  try {
    return [...rootCertificates, readFileSync(caFile)];
  } catch (error) {
    throw new ApibanError(`cannot read apiban.caFile ${caFile}: ${errorDetail(error)}`);
  }
}

/** Retry-After is not documented for APIBAN; honour it when sent (seconds or an HTTP date). */
export function parseRetryAfter(value: string | string[] | undefined, now: number): number | undefined {
  const text = Array.isArray(value) ? value[0] : value;
  if (text === undefined) return undefined;
  if (/^\d+$/.test(text.trim())) return Number(text.trim()) * 1000;
  const date = Date.parse(text);
  return Number.isNaN(date) ? undefined : Math.max(0, date - now);
}
