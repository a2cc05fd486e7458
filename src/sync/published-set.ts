/**
 * The published set: what passed the guard, as the sync service hands it to `serve`, `push`,
 * `export` and the published.json file. One name for one concept, whoever reads only a part of it.
 */
import type { BanSet } from '../banset/banset.js';
import type { PolicyReport } from '../banset/policy.js';

/** Where the set came from: APIBAN (plus local lists), the local lists alone (no key), or the bundled sample. */
export type SetSource = 'apiban' | 'local' | 'sample';

export interface PublishedSet {
  bans: BanSet;
  /**
   * The bans as the sync service published them, before live edge bans joined (src/ingest/edge-set.ts);
   * absent when none did. The mirror lists these unless `serve.mirror.includeEdge`.
   */
  bansWithoutEdge?: BanSet;
  report: PolicyReport;
  syncedAt: Date;
  cursor?: string;
  source: SetSource;
}
