import { expect } from 'chai';
import { BudgetSpentError, Pacer } from '../../src/apiban/pacer.js';
import type { Clock } from '../../src/apiban/clock.js';

/** A virtual clock: sleeping moves time forward instantly; `step` moves the wall clock as NTP would. */
function virtualClock(start = 1_000_000): Clock & { sleeps: number[]; step(ms: number): void } {
  let now = start;
  const sleeps: number[] = [];
  return {
    sleeps,
    step: (ms) => {
      now += ms;
    },
    now: () => now,
    sleep: async (ms) => {
      sleeps.push(ms);
      now += ms;
    },
  };
}

describe('apiban/pacer', () => {
  it('never lets more than the budget through in any window', async () => {
    const clock = virtualClock();
    const pacer = new Pacer({ requests: 11, windowMs: 120_000 }, clock);
    const times: number[] = [];
    for (let i = 0; i < 40; i++)
      await pacer.run(async () => {
        times.push(clock.now());
      });
    for (const start of times) {
      expect(times.filter((t) => t >= start && t < start + 120_000).length).to.be.at.most(11);
    }
    // 40 requests at 11 per window need at least three full windows of waiting.
    expect(times[39] - times[0]).to.be.at.least(3 * 120_000);
  });

  it('counts request times inherited from an earlier run', async () => {
    const clock = virtualClock();
    const history = [clock.now() - 1000, clock.now() - 500, clock.now() - 100];
    const pacer = new Pacer({ requests: 3, windowMs: 10_000 }, clock, history);
    await pacer.run(async () => undefined);
    expect(clock.now()).to.be.at.least(history[0] + 10_000);
  });

  it('holds everything back after pauseUntil (a 429)', async () => {
    const clock = virtualClock();
    const pacer = new Pacer({ requests: 100, windowMs: 1000 }, clock);
    pacer.pauseUntil(clock.now() + 5000);
    const before = clock.now();
    await pacer.run(async () => undefined);
    expect(clock.now() - before).to.equal(5000);
  });

  describe('when the wall clock steps back an hour', () => {
    const HOUR = 3_600_000;

    it('waits at most one window and the in-flight allowance, not the hour', async () => {
      const clock = virtualClock(10 * HOUR);
      const pacer = new Pacer({ requests: 3, windowMs: 10_000 }, clock, [], { inFlightMs: 2000 });
      for (let i = 0; i < 3; i++) await pacer.run(async () => undefined);
      clock.step(-HOUR);
      const before = clock.now();
      await pacer.run(async () => undefined);
      expect(clock.now() - before).to.be.within(1, 12_001);
    });

    it('bounds times inherited from a process that ran before the step', async () => {
      const clock = virtualClock(10 * HOUR);
      const fromBefore = [clock.now() + HOUR - 300, clock.now() + HOUR - 200, clock.now() + HOUR - 100];
      const pacer = new Pacer({ requests: 3, windowMs: 10_000 }, clock, fromBefore);
      const before = clock.now();
      await pacer.run(async () => undefined);
      expect(clock.now() - before).to.be.within(1, 10_001);
    });

    it('keeps a 429 pause to the length the server asked for', async () => {
      const clock = virtualClock(10 * HOUR);
      const pacer = new Pacer({ requests: 100, windowMs: 1000 }, clock);
      pacer.pauseUntil(clock.now() + 5000);
      clock.step(-HOUR);
      const before = clock.now();
      await pacer.run(async () => undefined);
      expect(clock.now() - before).to.equal(5000);
    });
  });

  it('runs tasks one at a time in order', async () => {
    const clock = virtualClock();
    const pacer = new Pacer({ requests: 2, windowMs: 1000 }, clock);
    const order: number[] = [];
    let running = 0;
    await Promise.all(
      [1, 2, 3, 4].map((n) =>
        pacer.run(async () => {
          running++;
          expect(running).to.equal(1);
          await new Promise((r) => setImmediate(r));
          order.push(n);
          running--;
        }),
      ),
    );
    expect(order).to.deep.equal([1, 2, 3, 4]);
    expect(pacer.history().length).to.be.at.most(2);
  });

  it('writes each request ahead: the journal holds it (as late as it can have arrived) before it is sent', async () => {
    const clock = virtualClock();
    const journaled: number[][] = [];
    const pacer = new Pacer({ requests: 5, windowMs: 10_000 }, clock, [], {
      journal: {
        update: async (change) => {
          const times = [...(journaled.at(-1) ?? [])];
          const result = change(times);
          journaled.push(times);
          return result;
        },
      },
      inFlightMs: 3000,
    });
    let seenBySend: number[] | undefined;
    await pacer.run(async () => {
      seenBySend = journaled.at(-1);
      clock.sleeps.push(0);
    });
    expect(seenBySend).to.deep.equal([1_000_000 + 3000]);
    expect(pacer.history()).to.deep.equal([1_000_000]);
    expect(journaled.at(-1), 'settled after the answer').to.deep.equal([1_000_000]);
  });

  it('sends nothing when the journal cannot be written, and counts no request for it', async () => {
    const clock = virtualClock();
    const pacer = new Pacer({ requests: 5, windowMs: 10_000 }, clock, [], {
      journal: {
        update: async (change) => {
          change([]);
          throw new Error('ENOSPC');
        },
      },
    });
    let sent = false;
    let error: unknown;
    await pacer
      .run(async () => {
        sent = true;
      })
      .catch((e: unknown) => {
        error = e;
      });
    expect(sent).to.equal(false);
    expect((error as Error).message).to.equal('ENOSPC');
    expect(pacer.history()).to.deep.equal([]);
  });

  it('shares one budget between pacers of one journal, each reading what the others wrote', async () => {
    const clock = virtualClock();
    let stored: number[] = [];
    const journal = {
      update: async <T>(change: (times: number[]) => T) => {
        const times = [...stored];
        const result = change(times);
        stored = times;
        return result;
      },
    };
    const budget = { requests: 3, windowMs: 10_000 };
    const a = new Pacer(budget, clock, [], { journal });
    const b = new Pacer(budget, clock, [], { journal, neverWait: true });
    const sent: string[] = [];
    await a.run(async () => void sent.push('a'));
    await a.run(async () => void sent.push('a'));
    await b.run(async () => void sent.push('b'));
    const refused = await b.run(async () => void sent.push('b')).catch((error: unknown) => error);
    expect(refused).to.be.instanceOf(BudgetSpentError);
    expect((refused as BudgetSpentError).waitMs).to.equal(10_001);
    await a.run(async () => void sent.push('a'));
    expect(sent).to.deep.equal(['a', 'a', 'b', 'a']);
    expect(clock.sleeps, 'the third request of a waited for the window b helped fill').to.deep.equal([10_001]);
  });
});
