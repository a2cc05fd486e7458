/**
 * `sync` progress for a terminal: pages and entries so far, and why it waits, counted down. The
 * renderer is fed events directly, with a hand-driven clock; what a terminal shows of a real run
 * is tested on a pseudo-terminal (test/cli/terminal.slow.test.ts).
 */
import { expect } from 'chai';
import { ProgressRenderer, type Ticker } from '../../src/sync/progress.js';

/** A clock the test moves, and the tick the renderer asked for. */
function handClock(): Ticker & { advance(ms: number): void; ticking(): boolean } {
  let now = 0;
  let tick: (() => void) | undefined;
  return {
    now: () => now,
    every: (_ms, fn) => {
      tick = fn;
      return () => {
        tick = undefined;
      };
    },
    advance(ms) {
      now += ms;
      tick?.();
    },
    ticking: () => tick !== undefined,
  };
}

describe('sync progress on a terminal', () => {
  it('renders pages, entries and the reason for a wait, counting the wait down each second', () => {
    const shown: string[] = [];
    let cleared = 0;
    const clock = handClock();
    const renderer = new ProgressRenderer({ show: (text) => shown.push(text), clear: () => cleared++ }, clock);
    renderer.onProgress({ kind: 'page', pages: 3, entries: 750 });
    renderer.onProgress({ kind: 'wait', ms: 2200, reason: 'budget', budget: { requests: 11, windowMs: 120_000 } });
    clock.advance(1000);
    clock.advance(1000);
    renderer.onProgress({ kind: 'page', pages: 4, entries: 1000 });
    expect(clock.ticking(), 'the countdown stops when the next page comes').to.equal(false);
    renderer.onProgress({ kind: 'wait', ms: 5000, reason: 'rate-limited', budget: { requests: 11, windowMs: 120_000 } });
    renderer.finish();
    expect(shown).to.deep.equal([
      'sync: 3 page(s), 750 entries so far',
      'sync: 3 page(s), 750 entries so far; waiting 3 s: APIBAN allows 11 requests per 2 minutes',
      'sync: 3 page(s), 750 entries so far; waiting 2 s: APIBAN allows 11 requests per 2 minutes',
      'sync: 3 page(s), 750 entries so far; waiting 1 s: APIBAN allows 11 requests per 2 minutes',
      'sync: 4 page(s), 1000 entries so far',
      'sync: 4 page(s), 1000 entries so far; waiting 5 s: APIBAN answered 429 (rate limited), waiting out its window',
    ]);
    expect(clock.ticking(), 'finish stops the countdown').to.equal(false);
    expect(cleared).to.equal(1);
  });
});
