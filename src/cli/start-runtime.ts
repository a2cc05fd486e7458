/**
 * The runtime as the daemons' commands start it: serve's sync placement (a large set syncs in a worker thread,
 * so a million-entry sync or policy change never stalls the polls), the edge ingest extension,
 * and a reload that refuses a configuration with nothing to publish.
 */
import type { LoadedConfig } from '../config/load.js';
import type { CommandContext } from './context.js';
import { startEdgeExtension } from '../ingest/extension.js';
import { startServeSync } from '../runtime/sync-placement.js';
import { startSyncThread } from '../runtime/sync-thread.js';
import { requireListSource } from '../sync/keyless.js';
import { createSyncService } from '../sync/service.js';
import { Runtime, type RuntimeOptions } from '../runtime/runtime.js';

export type RuntimeChoices = Omit<RuntimeOptions, 'loaded' | 'log' | 'createSync' | 'startExtension' | 'reloadConfig'> & {
  reloadConfig(): Promise<LoadedConfig>;
};

export function startRuntime(ctx: CommandContext, choices: RuntimeChoices): Promise<Runtime> {
  requireListSource(ctx.loaded.config);
  const component = choices.http === undefined ? 'push' : 'serve';
  return Runtime.start({
    ...choices,
    loaded: ctx.loaded,
    log: ctx.log.child({ component }),
    createSync: (loaded, log, hooks) => startServeSync(loaded, log.child({ component: 'sync' }), hooks, createSyncService, startSyncThread),
    startExtension: startEdgeExtension,
    reloadConfig: async () => {
      const loaded = await choices.reloadConfig();
      requireListSource(loaded.config);
      return loaded;
    },
  });
}
