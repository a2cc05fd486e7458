/**
 * A scrape with every metric family the daemon defines in use: requests and fetches of an output,
 * a sync, an APIBAN answer, a reload, blocked traffic from a reporting device, process metrics.
 */
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
  return (await metrics.render()).body;
}
