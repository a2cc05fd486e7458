/**
 * When the published set has to be rebuilt: shortly after a change (debounced, so a burst of bans
 * is one rebuild) and when the earliest edge ban runs out.
 */
import type { Clock } from '../apiban/clock.js';
import { MAX_TIMER_MS } from '../duration.js';

export class ExpiryTimer {
  private debounce: NodeJS.Timeout | undefined;
  private expiry: NodeJS.Timeout | undefined;

  constructor(
    private readonly clock: Clock,
    private readonly delayMs: number,
    private readonly rebuild: () => void,
  ) {}

  /** A rebuild within delayMs (one for every change that arrives meanwhile). */
  soon(): void {
    if (this.debounce !== undefined) return;
    this.debounce = setTimeout(() => {
      this.debounce = undefined;
      this.rebuild();
    }, this.delayMs);
  }

  /** A rebuild when the earliest ban ends (`at`, epoch ms); replaces the previous one. */
  schedule(at: number | undefined): void {
    clearTimeout(this.expiry);
    this.expiry = undefined;
    if (at === undefined) return;
    const wait = Math.min(MAX_TIMER_MS, Math.max(0, at - this.clock.now()) + 1);
    this.expiry = setTimeout(() => {
      this.expiry = undefined;
      this.rebuild();
    }, wait);
    this.expiry.unref();
  }

  stop(): void {
    clearTimeout(this.debounce);
    clearTimeout(this.expiry);
  }
}
