/**
 * The one path from a BanSet to a writer's bytes: narrow to the families the writer and the
 * output accept, aggregate when asked, enforce the device limit, then render. Export, serve and
 * push all call this, so an output looks the same whichever way it leaves.
 */
import { BanSet, type FamilyFilter } from '../banset/banset.js';
import { TargetLimitError } from '../errors.js';
import type { AnyTargetWriter } from './contract.js';

export interface OutputShape {
  /** Further narrows the writer's own families (`?ipv4only`, `families: v4`). */
  families?: FamilyFilter | undefined;
  /** Overrides the writer's aggregateByDefault. */
  aggregate?: boolean | undefined;
}

export function intersectFamilies(a: FamilyFilter, b: FamilyFilter = 'both'): FamilyFilter | undefined {
  if (a === 'both') return b;
  if (b === 'both' || a === b) return a;
  return undefined;
}

/** The exact set a writer will render for this output. */
export function shapeBans(writer: AnyTargetWriter, bans: BanSet, shape: OutputShape = {}): BanSet {
  const families = intersectFamilies(writer.families, shape.families);
  const narrowed = families === undefined ? BanSet.EMPTY : bans.only(families);
  const shaped = (shape.aggregate ?? writer.aggregateByDefault) ? narrowed.aggregate() : narrowed;
  if (writer.maxEntries !== undefined && shaped.size > writer.maxEntries) {
    throw new TargetLimitError(writer.name, shaped.size, writer.maxEntries);
  }
  return shaped;
}

export function renderOutput(writer: AnyTargetWriter, bans: BanSet, options: unknown, shape: OutputShape = {}): string {
  return writer.render(shapeBans(writer, bans, shape), options);
}
