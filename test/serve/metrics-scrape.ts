/**
 * A scrape with every metric family the daemon defines in use: requests and fetches of an output,
 * a sync, an APIBAN answer, a reload, blocked traffic from a reporting device, process metrics,
 * and a real edge ingest's bans (accepted, refused, live) over a temporary state directory.
 */
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { DEFAULT_POLICY } from '../../src/banset/policy.js';
import { ingestSchema } from '../../src/config/ingest-schema.js';
import { EdgeTally } from '../../src/edge/events.js';
import { EdgeIngest } from '../../src/ingest/service.js';
import { silentLogger } from '../../src/log.js';
import { registerEdgeMetrics } from '../../src/serve/http/edge-metrics.js';
import type { DeviceResult } from '../../src/fleet/device-result.js';
import { FetchLog } from '../../src/serve/status/fetch-log.js';
import { ServeMetrics } from '../../src/serve/http/metrics.js';
import { BlockedTraffic } from '../../src/serve/status/blocked.js';

export async function fullScrape(version = '9.8.7'): Promise<string> {
  const metrics = new ServeMetrics({ version });
  metrics.recordRequest('pfsense', 200, 120);
  metrics.recordRequest('pfsense', 304, 0);
  metrics.recordSync(true);
  metrics.recordApibanRequest('caught-up');
  metrics.recordReload(true);
  new FetchLog(metrics.registry).record('pfsense', 200, '127.0.0.1');
  const reporting: DeviceResult = {
    device: 'fw1',
    driver: 'linux-nftables',
    added: 1,
    removed: 0,
    sent: 1,
    durationMs: 5,
    result: 'changed',
    blocked: { v4: { packets: 12, bytes: 480 } },
  };
  new BlockedTraffic(metrics.registry).record(Date.now(), [reporting]);
  const stateDir = await mkdtemp(join(tmpdir(), 'scrape-edge-'));
  try {
    const ingest = await EdgeIngest.open({
      config: ingestSchema.parse({ listen: '127.0.0.1:0', clients: [{ name: 'sbc1', allow: ['127.0.0.1/32'] }] }),
      stateDir,
      log: silentLogger,
      policy: DEFAULT_POLICY,
      onChange: () => {},
      keepEndedMs: 86_400_000,
    });
    const tally = new EdgeTally();
    ingest.watch(tally);
    registerEdgeMetrics(metrics.registry, ingest, tally);
    const edgeCall = (url: string, remoteAddress: string) =>
      ingest.handle({ method: 'GET', url, remoteAddress, authorization: undefined, body: '' });
    await edgeCall('/blockip/198.51.100.7', '127.0.0.1');
    await edgeCall('/blockip/10.1.2.3', '127.0.0.1');
    await edgeCall('/blockip/198.51.100.8', '127.0.0.9');
    const body = (await metrics.render()).body;
    await ingest.close();
    return body;
  } finally {
    await rm(stateDir, { recursive: true, force: true });
  }
}
