/**
 * What the request handler and the status page read: one `ServeView` (site + snapshot + mirror
 * index), replaced by reference when a sync publishes a new set or a reload changes the site, and
 * the daemon's loop facts (last sync, last reload), which the runtime (src/runtime) owns and
 * writes. Handlers read `view` once per request, so no response mixes two versions. Builds run one
 * at a time (a chain of promises), so a reload and a sync finishing together cannot publish out of
 * order. Every field is read-only from outside: the view changes only through `publish` and
 * `reconfigure`.
 */
import type { Logger } from '../log.js';
import { ContentHistory } from './http/content.js';
import type { LastSync, ReloadOutcome } from './http/health.js';
import { advanceMirrorIndex, mirroredBans, type MirrorIndex } from './mirror/index-pages.js';
import type { Site } from './site.js';
import type { PublishedSet } from '../sync/published-set.js';
import { Snapshot } from './outputs/snapshot.js';
import { RenderPool } from './outputs/render-pool.js';

export interface ServeView {
  readonly site: Site;
  /** undefined until the first successful sync: outputs answer 503. */
  readonly snapshot?: Snapshot;
  readonly mirror?: MirrorIndex | undefined;
}

/** What the daemon's loop knows between runs (src/runtime/loop-record.ts writes it). */
export interface LoopFacts {
  readonly lastSync: LastSync | undefined;
  /** When the first of the syncs that failed since the last success started; unset after a success. */
  readonly syncFailingSince: number | undefined;
  /** When the sync running now started; unset between syncs. */
  readonly syncRunningSince: number | undefined;
  /** The last SIGHUP's outcome (/healthz shows a rejected configuration). */
  readonly lastReload: ReloadOutcome | undefined;
}

export class ServedState implements LoopFacts {
  #view: ServeView;
  #latestSet: PublishedSet | undefined;
  private readonly history = new ContentHistory();
  private queue: Promise<unknown> = Promise.resolve();
  constructor(
    site: Site,
    private readonly loop: LoopFacts,
    private readonly log: Logger,
    readonly now: () => number = Date.now,
    /** Renders large sets off the event loop; the worker starts on the first such render. */
    private readonly renderer = new RenderPool(),
  ) {
    this.#view = { site };
  }

  get view(): ServeView {
    return this.#view;
  }

  /** Newest published set, also when its bans equal the snapshot's (health shows its time). */
  get latestSet(): PublishedSet | undefined {
    return this.#latestSet;
  }

  get lastSync(): LastSync | undefined {
    return this.loop.lastSync;
  }

  get syncFailingSince(): number | undefined {
    return this.loop.syncFailingSince;
  }

  get syncRunningSince(): number | undefined {
    return this.loop.syncRunningSince;
  }

  get lastReload(): ReloadOutcome | undefined {
    return this.loop.lastReload;
  }

  /**
   * Publishes a set; bytes are rebuilt only when the bans differ from the served ones. The mirror
   * may change alone: an APIBAN entry that was already an edge ban changes what it lists, not the set.
   */
  publish(set: PublishedSet): Promise<void> {
    return this.serialise(async () => {
      const current = this.#view;
      if (current.snapshot === undefined || !current.snapshot.set.bans.equals(set.bans)) await this.swap(current.site, set);
      else this.#view = { ...current, mirror: this.mirrorOf(current.site, set) };
      this.#latestSet = set;
    });
  }

  /**
   * Applies a reloaded site; the served set is rebuilt for the new outputs before the swap. The
   * mirror lists from the newest set, which may hold more than the snapshot's (see publish).
   */
  reconfigure(site: Site): Promise<void> {
    return this.serialise(async () => {
      const set = this.#view.snapshot?.set;
      if (set === undefined) this.#view = { site };
      else await this.swap(site, set, this.#latestSet);
    });
  }

  private async swap(site: Site, set: PublishedSet, listedFrom: PublishedSet = set): Promise<void> {
    const snapshot = new Snapshot(set, this.history, this.now(), this.renderer.render, this.#view.snapshot);
    const failures = await snapshot.prebuild(site.outputs);
    for (const failure of failures) this.log.error({ output: failure.output, err: failure.error.message }, 'output cannot be rendered');
    this.#view = { site, snapshot, mirror: this.mirrorOf(site, listedFrom) };
  }

  /** The mirror's index for `set`: the current one while it lists the same bans, so IDs hold. */
  private mirrorOf(site: Site, set: PublishedSet): MirrorIndex | undefined {
    if (site.mirrorTokens === undefined) return undefined;
    const previous = this.#view.mirror;
    const bans = mirroredBans(set, site.mirrorIncludesEdge);
    return previous?.bans.equals(bans) ? previous : advanceMirrorIndex(previous, bans, this.now());
  }

  /** Stops the render worker (the daemon is stopping). */
  close(): Promise<void> {
    return this.renderer.close();
  }

  private serialise(task: () => Promise<void>): Promise<void> {
    const run = this.queue.then(task);
    this.queue = run.catch(() => undefined);
    return run;
  }
}
