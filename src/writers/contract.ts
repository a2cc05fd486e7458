/**
 * The contract between the ban-set model and the target writers (one file each under targets/).
 * Writers are pure: a BanSet and validated options in, bytes out. Transports (HTTP, SSH, files)
 * live in src/ and never know a format.
 */
import type { ZodType } from 'zod';
import type { BanSet, FamilyFilter } from '../banset/banset.js';
import type { BanDiff } from '../banset/diff.js';
import type { Prefix } from '../banset/address.js';

export interface TargetWriter<O = unknown> {
  /** kebab-case; the same string in config, URL paths, fixtures and docs. */
  readonly name: string;
  /** One line, shown by `apiban-exporter targets` and in the README table. */
  readonly summary: string;
  /** Validated once at start-up; every field has a documented default. */
  readonly options: ZodType<O>;
  readonly families: FamilyFilter;
  /** The families one rendering holds when an option picks one (iptables' `family`); `families` otherwise. */
  writtenFamilies?(options: O): FamilyFilter;
  /** Device limit; exceeding it is an error, never a silent cut. */
  readonly maxEntries?: number;
  /** Whether the set is aggregated into minimal CIDRs unless the output config says otherwise. */
  readonly aggregateByDefault: boolean;
  readonly http: { contentType: string; extension: string };
  /** Pure, deterministic and sorted; the same set and options always give the same bytes. */
  render(bans: BanSet, options: O): string;
  /** Extra files served next to the main one, keyed by suffix (e.g. FMC's `.md5`). */
  sidecars?(body: string, options: O): Record<string, string>;
  /** Only for targets that can be pushed over a device CLI. */
  readonly device?: DeviceDialect<O>;
}

export interface DevicePlan {
  /** Commands that change the device, in order. Empty when the device already matches. */
  apply: string[];
  /** Commands that make the change take effect (Junos commit); empty on line-by-line CLIs. */
  commit: string[];
  /** Commands that undo an uncommitted change after an error (Junos rollback/discard). */
  abort: string[];
}

/** Vendor quirks only; the SSH mechanics live once in src/push. */
export interface DeviceDialect<O> {
  readonly prompt: RegExp;
  readonly errors: RegExp[];
  /** Commands run right after login (paging off etc.). */
  readonly prepare: string[];
  /** The command that prints the managed list(s). */
  show(options: O): string;
  /** Pure: the prefixes the managed list(s) hold, from `show`'s output; `device` (its name) only labels errors. */
  parse(output: string, options: O, device: string): Prefix[];
  plan(diff: BanDiff, wanted: BanSet, options: O): DevicePlan;
}

/**
 * Lets the registry hold writers of different option types without `any`: callers only pass
 * options that the same writer's `options` schema parsed (TypeScript checks methods bivariantly).
 */
export type AnyTargetWriter = TargetWriter<unknown>;

export function defineTarget<O>(writer: TargetWriter<O>): TargetWriter<O> {
  return writer;
}
