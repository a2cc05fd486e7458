/**
 * What the request handler reads: one `ServeView` (site + snapshot + mirror index), replaced by
 * reference when a sync publishes a new set or a reload changes the site. Handlers read `view`
 * once per request, so no response mixes two versions. Builds run one at a time (a chain of
 * promises), so a reload and a sync finishing together cannot publish out of order.
 */
import type { Logger } from '../log.js';
import { ContentHistory } from './content.js';
import type { ReloadOutcome, SyncOutcome } from './health.js';
import { advanceMirrorIndex, type MirrorIndex } from './mirror-index.js';
import type { Site } from './site.js';
import type { PublishedSet } from '../sync/published-set.js';
import { Snapshot } from './output-snapshot.js';
import { RenderPool } from './render-pool.js';

export interface ServeView {
  readonly site: Site;
  /** undefined until the first successful sync: outputs answer 503. */
  readonly snapshot?: Snapshot;
  readonly mirror?: MirrorIndex | undefined;
}

export class ServeState {
  view: ServeView;
  /** Newest published set, also when its bans equal the snapshot's (health shows its time). */
  latestSet?: PublishedSet | undefined;
  lastSync?: SyncOutcome | undefined;
  /** When the first of the syncs that failed since the last success started; unset after a success. */
  syncFailingSince?: number | undefined;
  /** When the sync running now started; unset between syncs. */
  syncRunningSince?: number | undefined;
  /** The last SIGHUP's outcome (/healthz shows a rejected configuration). */
  lastReload?: ReloadOutcome;
  private readonly history = new ContentHistory();
  private queue: Promise<unknown> = Promise.resolve();
  constructor(
    site: Site,
    private readonly log: Logger,
    readonly now: () => number = Date.now,
    /** Renders large sets off the event loop; the worker starts on the first such render. */
    private readonly renderer = new RenderPool(),
  ) {
    this.view = { site };
  }

  /** Publishes a set; bytes are rebuilt only when the bans differ from the served ones. */
  publish(set: PublishedSet): Promise<void> {
    return this.serialise(async () => {
      const current = this.view;
      if (current.snapshot === undefined || !current.snapshot.set.bans.equals(set.bans)) await this.swap(current.site, set, current.mirror);
      this.latestSet = set;
    });
  }

  /** Applies a reloaded site; the served set is rebuilt for the new outputs before the swap. */
  reconfigure(site: Site): Promise<void> {
    return this.serialise(async () => {
      const set = this.view.snapshot?.set;
      if (set === undefined) this.view = { site };
      else await this.swap(site, set, this.view.mirror);
    });
  }

  private async swap(site: Site, set: PublishedSet, previousMirror: MirrorIndex | undefined): Promise<void> {
    const snapshot = new Snapshot(set, this.history, this.now(), this.renderer.render);
    const failures = await snapshot.prebuild(site.outputs);
    for (const failure of failures) this.log.error({ output: failure.output, err: failure.error.message }, 'output cannot be rendered');
    const mirror = site.mirrorTokens === undefined ? undefined : advanceMirrorIndex(previousMirror, set.bans, this.now());
    this.view = { site, snapshot, mirror };
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
