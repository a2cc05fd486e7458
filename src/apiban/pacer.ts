/**
 * Keeps APIBAN requests inside the per-key budget (11 per 2 minutes by default) with a sliding
 * log of request times, so a full sync of thousands of addresses never trips a 429. Requests run
 * one at a time, and each is written ahead: before it is sent, the log with this request in it
 * goes to the journal (the state directory, durably), so a process killed while a request is in
 * flight still counts it after a restart. The entry written ahead is the latest moment the server
 * can have seen the request (send time + the request timeout); once the answer arrives it
 * becomes the answer time, written again. Both are never earlier than the server's own time for that request,
 * so the server's window can only count fewer requests than ours. 429 answers count too: the
 * server may count them, and a budget shared by a fleet must not be probed.
 */
import type { Clock } from './clock.js';

export interface Budget {
  requests: number;
  windowMs: number;
}

export interface PacerOptions {
  /** Persists the log before each request is sent; a failure stops the request. */
  journal?: ((times: number[]) => Promise<void>) | undefined;
  /** How long a request may be in flight (the request timeout): an unanswered one counts until then. */
  inFlightMs?: number;
  /** Told before each wait, with why (for progress on a terminal). */
  onWait?: ((ms: number, reason: 'budget' | 'rate-limited') => void) | undefined;
}

/**
 * How long until the budget has room for one more request, given the request times inside the
 * window (oldest first); 0 when it has room now. The pacer waits this long; `check`, which must
 * not write the journal, asks it of the times sync and serve wrote.
 */
export function budgetWaitMs(recent: readonly number[], budget: Budget, now: number): number {
  if (recent.length < budget.requests) return 0;
  return recent[recent.length - budget.requests] + budget.windowMs - now + 1;
}

export class Pacer {
  private readonly times: number[];
  private blockedUntil = 0;
  /** How long the last 429 asked us to wait: bounds `blockedUntil` when the clock steps back. */
  private blockedFor = 0;
  private queue: Promise<unknown> = Promise.resolve();

  /** `history`: request times from an earlier process (kept in the state directory) still count. */
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
      await this.waitForRoom(signal);
      const pending = this.clock.now() + (this.options.inFlightMs ?? 0);
      this.times.push(pending);
      try {
        await this.options.journal?.(this.history());
      } catch (error) {
        this.forget(pending);
        throw error;
      }
      try {
        return await task();
      } finally {
        this.forget(pending);
        this.times.push(this.clock.now());
        // Settled, so the next run does not wait for a timeout that never happened; if this write
        // fails, the pessimistic entry stays, which only errs on the safe side.
        await this.options.journal?.(this.history()).catch(() => undefined);
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
    this.forgetOld(this.clock.now());
    return [...this.times];
  }

  private async waitForRoom(signal?: AbortSignal): Promise<void> {
    for (;;) {
      const now = this.clock.now();
      this.boundToNow(now);
      this.forgetOld(now);
      const wait = Math.max(this.blockedUntil - now, budgetWaitMs(this.times, this.budget, now));
      if (wait <= 0) return;
      this.options.onWait?.(wait, this.blockedUntil - now >= wait ? 'rate-limited' : 'budget');
      await this.clock.sleep(wait, signal);
    }
  }

  private forget(time: number): void {
    const index = this.times.lastIndexOf(time);
    if (index >= 0) this.times.splice(index, 1);
  }

  /**
   * The wall clock can step back (NTP, a restored VM, a date set by hand): the logged times then
   * lie in the future and the window would hold for as long as the step, hours without a sync.
   * No real entry is later than now plus the in-flight allowance, and no pause longer than the
   * 429 asked for, so anything beyond is pulled back to that bound: a step back costs at most one
   * window, and every request still counts.
   */
  private boundToNow(now: number): void {
    const latest = now + (this.options.inFlightMs ?? 0);
    for (let i = 0; i < this.times.length; i++) this.times[i] = Math.min(this.times[i], latest);
    this.blockedUntil = Math.min(this.blockedUntil, now + this.blockedFor);
  }

  private forgetOld(now: number): void {
    while (this.times.length > 0 && this.times[0] <= now - this.budget.windowMs) this.times.shift();
  }
}
