/**
 * What a reload has to redo, read off the difference between two configurations: which sections
 * the set is built from changed (the sync service restarts), which settings of the listening
 * socket changed (they wait for a restart), and whether the scheduled pushes must be rebuilt.
 */
import { isDeepStrictEqual } from 'node:util';
import type { LoadedConfig } from '../config/load.js';
import type { ServeConfig } from '../config/serve-schema.js';

/**
 * Sections that only shape what is served or pushed: everything else (apiban, state, sources,
 * policy, guards, sync and any section added later) is what the set is built from, so a change
 * there restarts the sync service. Listing the few exceptions instead of the many dependencies
 * means a new section can never be silently ignored by a reload.
 */
const SERVE_ONLY_SECTIONS = new Set(['serve', 'push', 'outputs']);

export function changedSyncSections(next: LoadedConfig, previous: LoadedConfig): string[] {
  const sections = new Set([...Object.keys(next.config), ...Object.keys(previous.config)]);
  const changed = [...sections].filter(
    (section) =>
      !SERVE_ONLY_SECTIONS.has(section) &&
      !isDeepStrictEqual((next.config as Record<string, unknown>)[section], (previous.config as Record<string, unknown>)[section]),
  );
  if (next.stateDir !== previous.stateDir && !changed.includes('state')) changed.push('state');
  return changed;
}

/** Settings the listening socket was made with (src/serve/listener.ts); the shutdown grace is read when it is needed. */
const LISTENER_SETTINGS: Record<string, (serve: ServeConfig) => unknown> = {
  listen: (serve) => serve.listen,
  tls: (serve) => serve.tls,
  timeouts: (serve) => ({ ...serve.timeouts, shutdown: undefined }),
  maxRequestsPerSocket: (serve) => serve.maxRequestsPerSocket,
};

export function listenerChanges(previous: ServeConfig, next: ServeConfig): string[] {
  return Object.entries(LISTENER_SETTINGS)
    .filter(([, read]) => !isDeepStrictEqual(read(previous), read(next)))
    .map(([name]) => `serve.${name}`);
}
