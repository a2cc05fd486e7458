/**
 * Requests per second per client, as a token bucket holding one second's worth: a burst up to the
 * rate passes, a steady stream above it gets 429. Time comes from the injected clock.
 */
import type { Clock } from '../apiban/clock.js';

export class RateLimiter {
  private readonly buckets = new Map<string, { tokens: number; at: number }>();

  constructor(
    private readonly perSecond: number,
    private readonly clock: Clock,
  ) {}

  /** Takes one request's token; false when the client is over its rate. */
  take(client: string): boolean {
    const now = this.clock.now();
    const bucket = this.buckets.get(client) ?? { tokens: this.perSecond, at: now };
    bucket.tokens = Math.min(this.perSecond, bucket.tokens + ((now - bucket.at) / 1000) * this.perSecond);
    bucket.at = now;
    this.buckets.set(client, bucket);
    if (bucket.tokens < 1) return false;
    bucket.tokens -= 1;
    return true;
  }
}
