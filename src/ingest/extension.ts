/**
 * How the runtime (`serve`, `push --watch`) carries the ingest endpoint: opened after the sync
 * service holds the state lock, it wraps every sync service the runtime makes (at start and on
 * reload) so the published set carries the edge bans, and asks the runtime to republish when they
 * change. Off (`ingest.listen` unset) it changes nothing.
 */
import type { Server } from 'node:http';
import { isDeepStrictEqual } from 'node:util';
import type { LoadedConfig } from '../config/load.js';
import type { Logger } from '../log.js';
import { closeListener, listen, type ListenAddress } from '../serve/listener.js';
import { NO_EXTENSION, type SetExtension } from '../runtime/set-extension.js';
import { parseListenAddress } from '../config/listen-address.js';
import { buildPolicy } from '../sync/publish.js';
import type { Clock } from '../apiban/clock.js';
import { withEdgeBans } from './edge-set.js';
import { createIngestListener } from './listener.js';
import { EdgeIngest } from './service.js';

export async function startEdgeExtension(loaded: LoadedConfig, log: Logger, republish: () => void, clock?: Clock): Promise<SetExtension> {
  const config = loaded.config.ingest;
  if (config.listen === undefined) return NO_EXTENSION;
  const ingestLog = log.child({ component: 'ingest' });
  const ingest = await EdgeIngest.open({
    config,
    stateDir: loaded.stateDir,
    log: ingestLog,
    policy: await buildPolicy(loaded.config.policy),
    onChange: republish,
    clock,
    keepEndedMs: loaded.config.sync.history,
  });
  const server = createIngestListener((request) => ingest.handle(request), ingestLog);
  let address: ListenAddress & { host: string };
  try {
    address = await listen(server, parseListenAddress(config.listen) as ListenAddress, 'ingest.listen');
  } catch (error) {
    await ingest.close();
    throw error;
  }
  ingestLog.info({ host: address.host, port: address.port, clients: config.clients.map((c) => c.name) }, 'edge ingest listening');
  return {
    address,
    feed: ingest,
    wrap: (service) => withEdgeBans(service, ingest),
    async reconfigure(next) {
      if (!isDeepStrictEqual(next.config.ingest, config)) ingestLog.warn('ingest settings changed: they take effect after a restart');
      ingest.setPolicy(await buildPolicy(next.config.policy));
    },
    close: () => closeIngest(server, ingest),
  };
}

async function closeIngest(server: Server, ingest: EdgeIngest): Promise<void> {
  await closeListener(server, 2000);
  await ingest.close();
}
