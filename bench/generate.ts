/**
 * Deterministic benchmark input: clustered IPv4 (so aggregation has work to do: runs of
 * neighbours, a few full /24s) plus a little IPv6, from a seeded generator.
 */
import { formatIPv4, formatIPv6 } from '../src/banset/address.js';

/** A seeded generator of unsigned 32-bit integers: the same seed gives the same sequence on every run. */
export function seededRandom(seed: number): () => number {
  let state = seed >>> 0;
  return () => {
    state = (Math.imul(state ^ (state >>> 15), 0x2c1b3c6d) + 0x6d2b79f5) >>> 0;
    return state;
  };
}

export function* generateAddresses(count: number, seed = 42, v6Percent = 2): Generator<string> {
  const next = seededRandom(seed);
  for (let i = 0; i < count; i++) {
    const roll = next() % 100;
    if (roll < v6Percent) {
      yield formatIPv6((0x2001_0db8n << 96n) | (BigInt(next() % 65536) << 64n) | BigInt(next()));
    } else {
      // 1,024 busy /16s outside the protected ranges; neighbours cluster within a /24.
      const cluster = 0x2d000000 + (next() % 1024) * 65536 + (next() % 256) * 256;
      yield formatIPv4(cluster + (roll < 38 + v6Percent ? next() % 16 : next() % 256));
    }
  }
}

/**
 * Odd host addresses from 45.0.0.0 (outside the protected ranges), the `from`-th onwards: no two are
 * neighbours, so aggregation and nftables' auto-merge keep every one apart.
 */
export function oddHosts(from: number, count: number): string[] {
  return Array.from({ length: count }, (_, i) => formatIPv4(0x2d000000 + 2 * (from + i) + 1));
}
