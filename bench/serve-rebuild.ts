/**
 * Issue 9 item 5: how long polling 304s wait while serve rebuilds every output for a new 1M-entry
 * set. One keep-alive client polls /plain.txt with the old ETag for as long as the publish runs;
 * the rebuild on the event loop (the old path, kept for tiny sets) and in the render worker are
 * measured in the same run. The client shares the server's process, so a stalled event loop shows
 * in its latencies exactly as an outside poller would see it. Measures, never asserts.
 */
import { Agent, createServer, request } from 'node:http';
import type { AddressInfo } from 'node:net';
import { applyPolicy, DEFAULT_POLICY, parseEntries } from '../src/banset/policy.js';
import { configSchema } from '../test/helpers/config-schema.js';
import { silentLogger } from '../src/log.js';
import { createRequestHandler } from '../src/serve/handler.js';
import { ServeMetrics } from '../src/serve/metrics.js';
import { RenderPool } from '../src/serve/render-pool.js';
import { resolveSite } from '../src/serve/site.js';
import { DEFAULT_QUERY, type Variant } from '../src/serve/output-snapshot.js';
import type { PublishedSet } from '../src/sync/published-set.js';
import { ServeState } from '../src/serve/served-view.js';
import { generateAddresses } from './generate.js';
import type { Report } from './report.js';

const SIZE = 1_000_000;

function served(count: number, seed: number): PublishedSet {
  const { bans, report } = applyPolicy(parseEntries(generateAddresses(count, seed, 8), 'bench'), DEFAULT_POLICY);
  return { bans, report, syncedAt: new Date(), source: 'local' };
}

function poll(url: string, agent: Agent, etag: string): Promise<{ status: number; ms: number }> {
  const started = performance.now();
  return new Promise((resolve, reject) => {
    request(url, { agent, headers: { 'if-none-match': etag } }, (res) => {
      res.resume();
      res.on('end', () => resolve({ status: res.statusCode ?? 0, ms: performance.now() - started }));
    })
      .on('error', reject)
      .end();
  });
}

async function measure(pool: RenderPool, small: PublishedSet, large: PublishedSet): Promise<Record<string, string | number>> {
  const state = new ServeState(
    resolveSite({ config: configSchema.parse({}), source: 'bench', stateDir: '/nonexistent' }),
    silentLogger,
    Date.now,
    pool,
  );
  await state.publish(small);
  const server = createServer(createRequestHandler(state, new ServeMetrics(), silentLogger));
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const url = `http://127.0.0.1:${(server.address() as AddressInfo).port}/plain.txt`;
  const agent = new Agent({ keepAlive: true, maxSockets: 1 });
  const snapshot = state.view.snapshot;
  if (snapshot === undefined) throw new Error('the first set was not published');
  const etag = (snapshot.variant(state.view.site.outputs[0], DEFAULT_QUERY) as Variant).main.etag;
  const latencies: number[] = [];
  let done = false;
  const started = performance.now();
  const publishing = state.publish(large).finally(() => {
    done = true;
  });
  while (!done) {
    const { status, ms } = await poll(url, agent, etag);
    if (status === 304) latencies.push(ms);
  }
  await publishing;
  const rebuildMs = performance.now() - started;
  agent.destroy();
  await new Promise((resolve) => server.close(resolve));
  await state.close();
  latencies.sort((a, b) => a - b);
  const at = (q: number) => latencies[Math.min(latencies.length - 1, Math.floor(q * latencies.length))]?.toFixed(1) ?? 'n/a';
  return {
    '304s answered': latencies.length,
    'p50 ms': at(0.5),
    'p99 ms': at(0.99),
    'worst ms': at(1),
    'rebuild ms': rebuildMs.toFixed(0),
  };
}

export async function benchServeRebuild(report: Report): Promise<void> {
  const small = served(10_000, 7);
  const large = served(SIZE, 42);
  const rows = [
    { path: 'event loop (before issue 9 item 5)', ...(await measure(new RenderPool(Number.POSITIVE_INFINITY), small, large)) },
    { path: 'render worker', ...(await measure(new RenderPool(), small, large)), bar: 'p99 < 20 ms' },
  ];
  report(`serve 304 p99 while a ${large.bans.size}-entry set is rebuilt (3 default outputs, 1 poller)`, rows);
}
