/**
 * What decides a variant's bytes, as a string: the writer's functions and the settings
 * renderVariantBytes reads from it (src/writers/render.ts), its options and the shape. Outputs
 * with equal keys render the very same bytes, so a snapshot builds them once and serves one
 * copy: the three default outputs (plain, pfsense, opnsense) are one format, and at a million
 * entries each copy is about 17 MB (the body and its gzip form), rendered, sent back from the
 * render worker and held for as long as the snapshot is served.
 */
import type { AnyTargetWriter } from '../../writers/contract.js';
import type { VariantShape } from './render-bytes.js';

/** A number per function: writers built by one factory share theirs (definePlainListTarget). */
const functionIds = new WeakMap<object, number>();
let nextFunctionId = 0;

function idOf(fn: object | undefined): number | undefined {
  if (fn === undefined) return undefined;
  let id = functionIds.get(fn);
  if (id === undefined) {
    id = nextFunctionId++;
    functionIds.set(fn, id);
  }
  return id;
}

export function renderKey(writer: AnyTargetWriter, options: unknown, shape: VariantShape): string {
  return JSON.stringify([
    idOf(writer.render),
    idOf(writer.sidecars),
    writer.families,
    writer.aggregateByDefault,
    // A device limit's error names the writer: writers with one never share a render.
    writer.maxEntries === undefined ? null : writer.name,
    options,
    shape.families ?? null,
    shape.aggregate ?? null,
  ]);
}
