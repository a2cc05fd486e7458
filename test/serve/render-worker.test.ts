import { LoopRecord } from '../../src/runtime/loop-record.js';
import { present } from '../helpers/present.js';
import { expect } from 'chai';
import { performance } from 'node:perf_hooks';
import { BanSet } from '../../src/banset/banset.js';
import { silentLogger } from '../../src/log.js';
import { RenderPool } from '../../src/serve/outputs/render-pool.js';
import { resolveSite } from '../../src/serve/site.js';
import { DEFAULT_QUERY } from '../../src/serve/outputs/snapshot.js';
import { ServedState } from '../../src/serve/served-state.js';
import { getTarget } from '../helpers/registries.js';
import { servedSet, testConfig } from './support.js';

/** A large set as local lists make them: scattered IPv4 hosts and networks plus some IPv6. */
function largeSet(v4: number, v6: number): BanSet {
  let seed = 0x9e3779b9;
  const next = () => (seed = (Math.imul(seed, 1664525) + 1013904223) >>> 0);
  const keys = Array.from({ length: v4 }, () => next() * 64 + (next() % 8 === 0 ? 24 : 32));
  const prefixes = Array.from({ length: v6 }, () => ({
    family: 6 as const,
    network: (0x20010db8n << 96n) | (BigInt(next()) << 64n) | BigInt(next()),
    length: 128,
  }));
  return BanSet.fromPacked(keys, prefixes);
}

const OUTPUTS = [
  { name: 'plain', target: 'plain' },
  { name: 'aggregated', target: 'plain', path: '/aggregated.txt', aggregate: true },
  { name: 'pfsense', target: 'pfsense' },
  { name: 'fmc', target: 'cisco-fmc' },
  { name: 'junos', target: 'junos-address-set' },
];

/** Above WORKER_MIN_ENTRIES, so a default pool renders it in the worker. */
const LARGE = largeSet(100_000, 5_000);
/** A set the same-bytes check renders in both places (a RenderPool(0) sends any set to the worker). */
const MEDIUM = largeSet(25_000, 2_000);
/** A busy machine can spoil one measurement (a full garbage collection, say); a render on the event loop fails every try. */
const TRIES = 3;

/**
 * The event loop's utilization while `render` runs: the share of that time the loop was busy
 * rather than waiting for events (https://nodejs.org/api/perf_hooks.html#performanceeventlooputilizationutilization1-utilization2).
 * A share, not a duration, so it does not depend on how fast or how busy the machine is.
 */
async function loopBusyDuring(render: () => Promise<unknown>): Promise<number> {
  await new Promise((resolve) => setImmediate(resolve));
  const before = performance.eventLoopUtilization();
  await render();
  return performance.eventLoopUtilization(before).utilization;
}

describe('serve: rendering a large set in the worker thread', function () {
  this.timeout(120_000);
  const site = () => resolveSite(testConfig({ outputs: OUTPUTS }));

  it('leaves the event loop free while it renders a large set, where the event-loop render keeps it busy', async () => {
    // How long a poll waits during a rebuild is the benchmark's to report (npm run bench).
    const writer = present(getTarget('iptables'), 'the iptables writer');
    const options = writer.options.parse({});
    const shape = { families: 'both', aggregate: false } as const;
    const inline = new RenderPool(Number.POSITIVE_INFINITY);
    const pooled = new RenderPool();
    try {
      await pooled.render(writer, MEDIUM, options, shape); // the worker's start-up is not a render
      const seen: string[] = [];
      for (let attempt = 0; attempt < TRIES; attempt++) {
        const busy = await loopBusyDuring(() => inline.render(writer, LARGE, options, shape));
        const free = await loopBusyDuring(() => pooled.render(writer, LARGE, options, shape));
        seen.push(`event loop busy ${(free * 100).toFixed(1)}% of a worker render, ${(busy * 100).toFixed(1)}% of an event-loop render`);
        if (free < busy / 3) return;
      }
      expect.fail(`the worker render kept the event loop as busy as a render on it, in every try:\n${seen.join('\n')}`);
    } finally {
      await pooled.close();
    }
  });

  it('serves the same bytes, gzip bytes, ETags and failures as the event-loop render', async () => {
    const inline = new ServedState(await site(), new LoopRecord(), silentLogger, Date.now, new RenderPool(Number.POSITIVE_INFINITY));
    const pooled = new ServedState(await site(), new LoopRecord(), silentLogger, Date.now, new RenderPool(0));
    try {
      await Promise.all([inline.publish(servedSet(MEDIUM)), pooled.publish(servedSet(MEDIUM))]);
      const queries = [DEFAULT_QUERY, { families: 'v4' as const }, { families: 'v6' as const, aggregate: true }];
      for (const [i, output] of (await site()).outputs.entries()) {
        for (const query of queries) {
          const expected = await settle(present(inline.view.snapshot, 'the inline snapshot').variant(inline.view.site.outputs[i], query));
          const actual = await settle(present(pooled.view.snapshot, 'the pooled snapshot').variant(pooled.view.site.outputs[i], query));
          const where = `${output.name} ${JSON.stringify(query)}`;
          if ('error' in expected) {
            expect(actual, where).to.deep.equal(expected);
            continue;
          }
          if ('error' in actual) throw new Error(`${where}: ${actual.error}`);
          for (const suffix of [undefined, ...expected.sidecars.keys()]) {
            const want = suffix === undefined ? expected.main : present(expected.sidecars.get(suffix), `sidecar ${suffix}`);
            const got = suffix === undefined ? actual.main : present(actual.sidecars.get(suffix), `sidecar ${suffix}`);
            expect(got.etag, where).to.equal(want.etag);
            expect(got.gzipEtag, where).to.equal(want.gzipEtag);
            expect(got.contentType, where).to.equal(want.contentType);
            expect(Buffer.compare(got.identity, want.identity), where).to.equal(0);
            expect(Buffer.compare(got.gzip, want.gzip), where).to.equal(0);
          }
        }
      }
    } finally {
      await pooled.close();
    }
  });
});

async function settle<T>(value: T | Promise<T>): Promise<T | { error: string; name: string }> {
  try {
    return await value;
  } catch (error) {
    return { error: (error as Error).message, name: (error as Error).constructor.name };
  }
}
