/**
 * The runtime's own record of its loop: the last sync, since when syncs have failed, whether one
 * runs now, and the last reload. Only the runtime writes it, through these methods; /healthz, the
 * status page and the metrics read it as `LoopFacts` (src/serve/served-state.ts).
 */
import type { LastSync, ReloadOutcome } from '../serve/http/health.js';
import type { LoopFacts } from '../serve/served-state.js';
import type { SyncReport } from '../sync/service.js';

export class LoopRecord implements LoopFacts {
  #lastSync: LastSync | undefined;
  #syncFailingSince: number | undefined;
  #syncRunningSince: number | undefined;
  #lastReload: ReloadOutcome | undefined;

  get lastSync(): LastSync | undefined {
    return this.#lastSync;
  }

  get syncFailingSince(): number | undefined {
    return this.#syncFailingSince;
  }

  get syncRunningSince(): number | undefined {
    return this.#syncRunningSince;
  }

  get lastReload(): ReloadOutcome | undefined {
    return this.#lastReload;
  }

  syncStarted(at: Date): void {
    this.#syncRunningSince = at.getTime();
  }

  syncFinished(at: Date, report: SyncReport): void {
    this.#syncRunningSince = undefined;
    this.#syncFailingSince = report.ok ? undefined : (this.#syncFailingSince ?? at.getTime());
    const { ok, full, durationMs, size, error } = report;
    this.#lastSync = { at, ok, full, durationMs, size, error };
  }

  reloaded(outcome: ReloadOutcome): void {
    this.#lastReload = outcome;
  }
}
