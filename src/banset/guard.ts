/**
 * The publishing guard: a list that is suddenly empty or much smaller is far more often a broken
 * feed, an expired key or a lost state file than a real change, and publishing it would unblock
 * every attacker at once. Export, serve and push all ask this before they replace a list.
 */
import { PublishRefusedError } from '../errors.js';

export interface GuardSettings {
  /** Allow publishing an empty list. */
  allowEmpty: boolean;
  /** Largest share of the previous entries a new list may lose (0..1). */
  maxShrink: number;
}

export interface GuardOverrides {
  /** --allow-empty */
  allowEmpty?: boolean | undefined;
  /** --force: skip the shrink check. */
  force?: boolean | undefined;
}

/** Throws PublishRefusedError when `nextSize` must not replace `previousSize` (undefined = nothing published yet). */
export function checkPublishable(
  what: string,
  previousSize: number | undefined,
  nextSize: number,
  settings: GuardSettings,
  overrides: GuardOverrides = {},
): void {
  if (nextSize === 0 && !(settings.allowEmpty || overrides.allowEmpty)) {
    throw new PublishRefusedError(`${what}: refusing to publish an empty list (pass --allow-empty or set guards.allowEmpty)`);
  }
  if (previousSize === undefined || previousSize === 0 || overrides.force) return;
  const lost = (previousSize - nextSize) / previousSize;
  if (lost > settings.maxShrink) {
    throw new PublishRefusedError(
      `${what}: refusing to shrink from ${previousSize} to ${nextSize} entries (${Math.round(lost * 100)}% lost, limit ${Math.round(settings.maxShrink * 100)}%; pass --force)`,
    );
  }
}
