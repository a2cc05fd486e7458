/**
 * One version of everything the server answers from: the set plus the bytes of every output
 * variant built from it. A snapshot never changes after it is published; the server replaces it
 * by reference, so a request that picked one up sends one complete version, whatever syncs
 * happen meanwhile.
 *
 * The default variant of each output is built before the snapshot is published. The query
 * variants (`?ipv4only`, `?ipv6only`, `?aggregate`) are built on first use, at most once per
 * snapshot: the promise is memoised, so concurrent first requests share one render.
 */
import { BanSet, type FamilyFilter } from '../banset/banset.js';
import { intersectFamilies, renderOutput } from '../writers/render.js';
import { buildResource, type ContentHistory, type Resource } from './content.js';
import type { ServedOutput } from './outputs.js';
import type { PublishedSet } from '../sync/published-set.js';


export interface VariantQuery {
  families: FamilyFilter;
  /** undefined: the output's (or writer's) default. */
  aggregate?: boolean;
}

export interface Variant {
  readonly main: Resource;
  readonly sidecars: ReadonlyMap<string, Resource>;
}

export const DEFAULT_QUERY: VariantQuery = { families: 'both' };

export class Snapshot {
  private readonly ready = new Map<string, Variant>();
  private readonly pending = new Map<string, Promise<Variant>>();

  constructor(readonly set: PublishedSet, private readonly history: ContentHistory, readonly createdAt: number) {}

  /** The variant's bytes: synchronously once built, else the shared promise of its one build. */
  variant(output: ServedOutput, query: VariantQuery): Variant | Promise<Variant> {
    const key = `${output.name}|${query.families}|${query.aggregate ?? ''}`;
    const done = this.ready.get(key);
    if (done !== undefined) return done;
    let building = this.pending.get(key);
    if (building === undefined) {
      building = this.build(output, query).then((variant) => {
        this.ready.set(key, variant);
        return variant;
      });
      this.pending.set(key, building);
    }
    return building;
  }

  /**
   * Builds every output's default variant; awaited before the snapshot is published. Returns the
   * failures (a device limit exceeded) so one bad output is reported without holding back the others.
   */
  async prebuild(outputs: readonly ServedOutput[]): Promise<{ output: string; error: Error }[]> {
    const results = await Promise.allSettled(outputs.map((output) => this.variant(output, DEFAULT_QUERY)));
    return results.flatMap((result, i) => (result.status === 'rejected' ? [{ output: outputs[i].name, error: result.reason as Error }] : []));
  }

  private async build(output: ServedOutput, query: VariantQuery): Promise<Variant> {
    const families = intersectFamilies(output.families ?? 'both', query.families);
    const bans = families === undefined ? BanSet.EMPTY : this.set.bans.only(families);
    const shape = { families: families ?? 'both', aggregate: query.aggregate ?? output.aggregate };
    const body = renderOutput(output.writer, bans, output.options, shape);
    const contentType = output.writer.http.contentType;
    const main = await buildResource(body, contentType, this.history, this.createdAt);
    const sidecars = new Map<string, Resource>();
    for (const [suffix, text] of Object.entries(output.writer.sidecars?.(body, output.options) ?? {})) {
      sidecars.set(suffix, await buildResource(text, 'text/plain; charset=utf-8', this.history, this.createdAt));
    }
    return { main, sidecars };
  }
}
