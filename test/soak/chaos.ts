/**
 * The soak test's weather: a seeded random source (print the seed, replay with SOAK_SEED), an
 * APIBAN list that changes over time, and faults injected into the fake APIBAN (5xx, malformed
 * and truncated bodies, 429 windows the server imposes on its own, slow answers).
 */
import type { FakeApiban, FakeFault } from '../helpers/fake-apiban.js';

/** mulberry32: small, fast and good enough to pick faults; the same seed replays the same run. */
export function seededRandom(seed: number): Random {
  let a = seed >>> 0;
  const next = (): number => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4_294_967_296;
  };
  return {
    next,
    int: (min, max) => min + Math.floor(next() * (max - min + 1)),
    pick: (items) => items[Math.floor(next() * items.length)],
    chance: (p) => next() < p,
  };
}

export interface Random {
  next(): number;
  int(min: number, max: number): number;
  pick<T>(items: readonly T[]): T;
  chance(p: number): boolean;
}

/** Addresses the soak lists: 198.18.x.y (benchmark space, not protected) and a few IPv6. */
export function soakAddress(n: number): string {
  if (n % 97 === 96) return `2001:db8:5::${n.toString(16)}`;
  return `198.18.${(n >> 8) & 255}.${n & 255}`;
}

/** Every valid configuration allowlists this range; the fake lists addresses in it on purpose. */
export const ALWAYS_ALLOWED = '198.18.7.0/24';

/** The fakes' shared list: what they list now and everything they ever listed. */
export class ChangingList {
  readonly everListed = new Set<string>();
  readonly current = new Set<string>();
  private nextAddress = 0;

  constructor(
    private readonly fakes: FakeApiban[],
    private readonly random: Random,
  ) {}

  add(count: number): void {
    const added: string[] = [];
    for (let i = 0; i < count; i++) added.push(soakAddress(this.nextAddress++));
    for (const address of added) {
      this.current.add(address);
      this.everListed.add(address);
    }
    for (const fake of this.fakes) fake.add(added);
  }

  /** A few delisted: visible after the next full resync. */
  removeSome(max: number): void {
    const listed = [...this.current];
    const gone = Array.from({ length: this.random.int(0, max) }, () => this.random.pick(listed)).filter((a) => a !== undefined);
    for (const address of gone) this.current.delete(address);
    for (const fake of this.fakes) fake.remove(gone);
  }
}

const FAULTS: FakeFault[] = ['5xx', 'malformed', 'truncated', 'wrong-shape', 'rate-limit'];

/** One tick of weather: the list changes, and sometimes the next answers are faults. */
export function weather(list: ChangingList, fakes: FakeApiban[], random: Random): void {
  if (random.chance(0.6)) list.add(random.int(1, 40));
  if (random.chance(0.3)) list.removeSome(4);
  for (const fake of fakes) if (random.chance(0.25)) fake.fail(random.pick(FAULTS), random.int(1, 3));
}

/** Slow answers: some requests wait before the fake replies. */
export function slowAnswers(fake: FakeApiban, random: Random): void {
  fake.onRequest = async () => {
    if (random.chance(0.15)) await new Promise((resolve) => setTimeout(resolve, random.int(50, 600)));
  };
}
