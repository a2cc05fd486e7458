/**
 * Keeps APIBAN requests inside the per-key budget (11 per 2 minutes by default) with a sliding
 * log of request times, so a full sync of thousands of addresses never trips a 429. Requests run
 * one at a time; each is logged when its answer arrives, which is never earlier than the server
 * saw it, so the server's window can only count fewer requests than ours.
 */
import type { Clock } from './clock.js';

export interface Budget {
  requests: number;
  windowMs: number;
}

export class Pacer {
  private readonly times: number[];
  private blockedUntil = 0;
  private queue: Promise<unknown> = Promise.resolve();

  /** `history`: request times from an earlier process (kept in the state file) still count. */
  constructor(private readonly budget: Budget, private readonly clock: Clock, history: readonly number[] = []) {
    this.times = history.filter((t) => Number.isFinite(t)).slice(-budget.requests).sort((a, b) => a - b);
  }

  /** Runs `task` when the budget allows, after every task queued before it. */
  run<T>(task: () => Promise<T>, signal?: AbortSignal): Promise<T> {
    const next = this.queue.then(async () => {
      await this.waitForRoom(signal);
      try {
        return await task();
      } finally {
        this.times.push(this.clock.now());
      }
    });
    this.queue = next.catch(() => undefined);
    return next;
  }

  /** After a 429: send nothing before `until` (ms since the epoch). */
  pauseUntil(until: number): void {
    this.blockedUntil = Math.max(this.blockedUntil, until);
  }

  /** Times of the requests still inside the window, oldest first (to persist across runs). */
  history(): number[] {
    this.forgetOld(this.clock.now());
    return [...this.times];
  }

  private async waitForRoom(signal?: AbortSignal): Promise<void> {
    for (;;) {
      const now = this.clock.now();
      this.forgetOld(now);
      const wait = Math.max(
        this.blockedUntil - now,
        this.times.length >= this.budget.requests ? this.times[0] + this.budget.windowMs - now + 1 : 0,
      );
      if (wait <= 0) return;
      await this.clock.sleep(wait, signal);
    }
  }

  private forgetOld(now: number): void {
    while (this.times.length > 0 && this.times[0] <= now - this.budget.windowMs) this.times.shift();
  }
}
