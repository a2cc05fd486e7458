/**
 * One version of everything the server answers from: the set plus the bytes of every output
 * variant built from it. A snapshot never changes after it is published; the server replaces it
 * by reference, so a request that picked one up sends one complete version, whatever syncs
 * happen meanwhile.
 *
 * The default variant of each output is built before the snapshot is published. The query
 * variants (`?ipv4only`, `?ipv6only`, `?aggregate`) are built on first use, at most once per
 * snapshot: the promise is memoised, so concurrent first requests share one render. Renders of
 * large sets run in a worker thread (render-pool.ts), so the server keeps answering meanwhile.
 */
import type { FamilyFilter } from '../../banset/banset.js';
import { intersectFamilies } from '../../writers/render.js';
import { resourceOf, type ContentHistory, type Resource } from '../http/content.js';
import type { RenderedVariant, VariantShape } from './render-bytes.js';
import { renderKey } from './render-key.js';
import { renderInline, type VariantRenderer } from './render-pool.js';
import type { ServedOutput } from './served-outputs.js';
import type { PublishedSet } from '../../sync/published-set.js';

export interface VariantQuery {
  families: FamilyFilter;
  /** undefined: the output's (or writer's) default. */
  aggregate?: boolean | undefined;
}

export interface Variant {
  readonly main: Resource;
  readonly sidecars: ReadonlyMap<string, Resource>;
}

export const DEFAULT_QUERY: VariantQuery = Object.freeze({ families: 'both' });

export class Snapshot {
  private readonly ready = new Map<string, Variant>();
  private readonly pending = new Map<string, Promise<Variant>>();
  /** Built default variants by output: nearly every request asks for one, and needs no key string. */
  private readonly defaults = new Map<ServedOutput, Variant>();
  /** Renders by renderKey: outputs that render alike share one render and one copy of its bytes. */
  private readonly renders: Map<string, Promise<RenderedVariant>>;

  /**
   * `previous`: the snapshot served until now. When it holds the same set (a reload that changed
   * the outputs, not the set), its renders are taken over, so only new or changed outputs render.
   */
  constructor(
    readonly set: PublishedSet,
    private readonly history: ContentHistory,
    readonly createdAt: number,
    private readonly render: VariantRenderer = renderInline,
    previous?: Snapshot,
  ) {
    this.renders = new Map(previous?.set === set ? previous.renders : []);
  }

  /** The variant's bytes: synchronously once built, else the shared promise of its one build. */
  variant(output: ServedOutput, query: VariantQuery): Variant | Promise<Variant> {
    const isDefault = query.families === 'both' && query.aggregate === undefined;
    const built = isDefault ? this.defaults.get(output) : undefined;
    if (built !== undefined) return built;
    const key = `${output.name}|${query.families}|${query.aggregate ?? ''}`;
    const done = this.ready.get(key);
    if (done !== undefined) return done;
    let building = this.pending.get(key);
    if (building === undefined) {
      building = this.build(output, query).then((variant) => {
        this.ready.set(key, variant);
        if (isDefault) this.defaults.set(output, variant);
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
    return results.flatMap((result, i) =>
      result.status === 'rejected' ? [{ output: outputs[i].name, error: result.reason as Error }] : [],
    );
  }

  private async build(output: ServedOutput, query: VariantQuery): Promise<Variant> {
    const families = intersectFamilies(output.families ?? 'both', query.families);
    const shape = { families, aggregate: query.aggregate ?? output.aggregate };
    const rendered = await this.rendered(output, shape);
    const main = resourceOf(rendered.main, output.writer.http.contentType, this.history, this.createdAt);
    const sidecars = new Map<string, Resource>();
    for (const sidecar of rendered.sidecars)
      sidecars.set(sidecar.suffix, resourceOf(sidecar, 'text/plain; charset=utf-8', this.history, this.createdAt));
    return { main, sidecars };
  }

  private rendered(output: ServedOutput, shape: VariantShape): Promise<RenderedVariant> {
    const key = renderKey(output.writer, output.options, shape);
    let rendering = this.renders.get(key);
    if (rendering === undefined) {
      rendering = this.render(output.writer, this.set.bans, output.options, shape);
      this.renders.set(key, rendering);
      // A failed render is not kept: a worker that crashed must not fail the next snapshot's.
      rendering.catch(() => this.renders.delete(key));
    }
    return rendering;
  }
}
