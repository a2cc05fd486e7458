/**
 * Keeps APIBAN requests inside the per-key budget (11 per 2 minutes by default) with a sliding
 * log of request times, so a full sync of thousands of addresses never trips a 429. Requests run
 * one at a time, and each is written ahead: before it is sent, the request goes into the log,
 * which for sync, serve, push and check is the state directory's journal shared by all of them
 * (src/sync/request-journal.ts), so a check beside a running serve and a process killed while a
 * request is in flight both count. The entry written ahead is the latest moment the server
 * can have seen the request (send time + the request timeout); once the answer arrives it
 * becomes the answer time, written again. Both are never earlier than the server's own time for that request,
 * so the server's window can only count fewer requests than ours. 429 answers count too: the
 * server may count them, and a budget shared by a fleet must not be probed.
 */
import { ApibanRateLimitError } from '../errors.js';
import type { Clock } from './clock.js';

export interface Budget {
  requests: number;
  windowMs: number;
}

/**
 * Where request times live. `update` runs `change` on the times (oldest first; it may edit them in
 * place) and keeps what it leaves, one caller at a time across every process sharing the log;
 * a failure to keep them rejects, and the pacer then sends nothing.
 */
export interface RequestLog {
  update<T>(change: (times: number[]) => T): Promise<T>;
}

export interface PacerOptions {
  /** The shared log (the state directory's journal); without one, this pacer's memory. */
  journal?: RequestLog | undefined;
  /** How long a request may be in flight (the request timeout): an unanswered one counts until then. */
  inFlightMs?: number;
  /** Told before each wait, with why (for progress on a terminal). */
  onWait?: ((ms: number, reason: 'budget' | 'rate-limited') => void) | undefined;
  /** Throw BudgetSpentError instead of waiting for room (`check`: one request, now or not at all). */
  neverWait?: boolean | undefined;
}

/** The budget has no room now and the caller would not wait; `waitMs` says how long until it has. */
export class BudgetSpentError extends ApibanRateLimitError {
  constructor(readonly waitMs: number) {
    super(`the request budget has no room for ${Math.ceil(waitMs / 1000)} s`);
  }
}

/**
 * How long until the budget has room for one more request, given the request times inside the
 * window (oldest first); 0 when it has room now.
 */
export function budgetWaitMs(recent: readonly number[], budget: Budget, now: number): number {
  if (recent.length < budget.requests) return 0;
  return recent[recent.length - budget.requests] + budget.windowMs - now + 1;
}

export class Pacer {
  /** The log as last read (the journal's copy, or the log itself when there is no journal). */
  private times: number[];
  /** The journal has been seeded with `history` (a state directory from before the journal). */
  private seeded = false;
  private blockedUntil = 0;
  /** How long the last 429 asked us to wait: bounds `blockedUntil` when the clock steps back. */
  private blockedFor = 0;
  private queue: Promise<unknown> = Promise.resolve();

  /** `history`: request times from an earlier process still count. */
  constructor(
    private readonly budget: Budget,
    private readonly clock: Clock,
    history: readonly number[] = [],
    private readonly options: PacerOptions = {},
  ) {
    this.times = history
      .filter((t) => Number.isFinite(t))
      .sort((a, b) => a - b)
      .slice(-budget.requests);
  }

  /** Runs `task` when the budget allows, after every task queued before it. */
  run<T>(task: () => Promise<T>, signal?: AbortSignal): Promise<T> {
    const next = this.queue.then(async () => {
      const pending = await this.reserve(signal);
      try {
        return await task();
      } finally {
        // Settled, so the next run does not wait for a timeout that never happened; if this write
        // fails, the pessimistic entry stays, which only errs on the safe side.
        const answered = this.clock.now();
        await this.edit((times) => {
          const index = times.lastIndexOf(pending);
          if (index >= 0) times.splice(index, 1);
          times.push(answered);
          times.sort((a, b) => a - b);
        }).catch(() => undefined);
      }
    });
    this.queue = next.catch(() => undefined);
    return next;
  }

  /** After a 429: send nothing before `until` (ms since the epoch). */
  pauseUntil(until: number): void {
    if (until <= this.blockedUntil) return;
    this.blockedUntil = until;
    this.blockedFor = until - this.clock.now();
  }

  /** Times of the requests still inside the window, oldest first (to persist across runs). */
  history(): number[] {
    return this.bounded([...this.times], this.clock.now());
  }

  /** Waits for room, then logs the request as sent (at the latest time it can reach the server). */
  private async reserve(signal?: AbortSignal): Promise<number> {
    for (;;) {
      const now = this.clock.now();
      this.blockedUntil = Math.min(this.blockedUntil, now + this.blockedFor);
      const pending = now + (this.options.inFlightMs ?? 0);
      const wait = await this.edit((times) => {
        const room = Math.max(this.blockedUntil - now, budgetWaitMs(times, this.budget, now));
        if (room <= 0) times.push(pending);
        return room;
      });
      if (wait <= 0) return pending;
      if (this.options.neverWait) throw new BudgetSpentError(wait);
      this.options.onWait?.(wait, this.blockedUntil - now >= wait ? 'rate-limited' : 'budget');
      await this.clock.sleep(wait, signal);
    }
  }

  /** Changes the log (bounded to now first); the copy here follows only once the change is kept. */
  private async edit<T>(change: (times: number[]) => T): Promise<T> {
    const journal = this.options.journal;
    if (journal === undefined) {
      const times = this.bounded(this.times, this.clock.now());
      const result = change(times);
      this.times = times;
      return result;
    }
    let kept: number[] = [];
    const result = await journal.update((times) => {
      if (!this.seeded && times.length === 0) times.push(...this.times);
      this.bounded(times, this.clock.now());
      const answer = change(times);
      kept = [...times];
      return answer;
    });
    this.seeded = true;
    this.times = kept;
    return result;
  }

  /**
   * Edits `times` in place to what still counts at `now`, oldest first. The wall clock can step
   * back (NTP, a restored VM, a date set by hand): the logged times then lie in the future and the
   * window would hold for as long as the step, hours without a sync. No real entry is later than
   * now plus the in-flight allowance, so anything beyond is pulled back to that bound: a step back
   * costs at most one window, and every request still counts.
   */
  private bounded(times: number[], now: number): number[] {
    const latest = now + (this.options.inFlightMs ?? 0);
    for (let i = 0; i < times.length; i++) times[i] = Math.min(times[i], latest);
    times.sort((a, b) => a - b);
    const old = times.findIndex((t) => t > now - this.budget.windowMs);
    times.splice(0, old < 0 ? times.length : old);
    return times;
  }
}
