/**
 * The contract between the push job and one kind of device. The job (src/push/run.ts) owns the
 * order of events for every driver alike: open, read what the device holds, diff, guard, then
 * print the plan (--dry-run) or apply it, and close. A driver only knows how to talk to its
 * device; formats come from the target writers (targets/), mechanics from src/push/ssh.ts.
 */
import type { ZodType } from 'zod';
import type { BanSet } from '../banset/banset.js';
import type { BanDiff } from '../banset/diff.js';
import type { Logger } from '../log.js';
import type { AnyTargetWriter } from '../writers/contract.js';
import type { BlockedCounters } from '../fleet/blocked.js';

/** The steps of one device's job, as a terminal shows them while `push` runs. */
export type PushPhase = 'connecting' | 'reading' | 'applying' | 'verifying';

export interface DriverContext {
  log: Logger;
  /**
   * Told as a step begins, for the progress line (never printed by a driver). The job reports
   * connecting, reading and applying; a driver reports `verifying` when, inside `apply` or
   * `confirm`, it starts reading the device back.
   */
  onPhase?: ((phase: PushPhase) => void) | undefined;
  /** Aborted when the per-device timeout fires or the job is stopped. */
  signal: AbortSignal;
  /** --accept-new-host-key: trust and record an unknown host key (never a changed one). */
  acceptNewHostKey: boolean;
}

export interface DeviceSession {
  /** The prefixes the managed list(s) hold now. */
  read(): Promise<BanSet>;
  /**
   * The form the device stores `wanted` in (nftables merges adjacent entries); the job diffs and
   * guards in this form. Without it the wanted set is compared as it is.
   */
  comparable?(wanted: BanSet): BanSet;
  /** The exact commands or API calls `apply` would send for this diff, for --dry-run and logs. */
  plan(diff: BanDiff, wanted: BanSet): string[];
  /**
   * Makes the device hold `wanted`. Throws DeviceError on the first rejected command, after
   * undoing what can be undone (Junos discards the candidate; Cisco reports the lines applied).
   * Returns the number of configuration commands (or API calls, or entries uploaded) actually
   * sent, and how the result was checked against the device when that is not a plain read-back.
   */
  apply(diff: BanDiff, wanted: BanSet): Promise<{ sent: number; verified?: string; bytes?: number }>;
  /**
   * For devices whose `read` is not the device's own answer (iptables-api reads a ledger): proves
   * on the device that it holds `wanted` when the diff came out empty, repairing what is missing.
   */
  confirm?(wanted: BanSet): Promise<Verification>;
  /** Optional: what the ban rule counted (src/push/blocked/ reads it); undefined when the device reports nothing. */
  readCounters?(): Promise<BlockedCounters | undefined>;
  close(): Promise<void>;
}

/** What a confirm found: calls that changed the device (0 = it held the set) and how it checked. */
export interface Verification {
  sent: number;
  verified: string;
}

export interface DeviceDriver<S = unknown> {
  /** kebab-case; the `driver:` value in a device's config. */
  readonly name: string;
  readonly summary: string;
  /** Driver-specific settings of a device entry (list names, paths, API base URL ...), with defaults. */
  readonly settings: ZodType<S>;
  /** Address families the device's list takes. */
  readonly families: 'v4' | 'v6' | 'both';
  /**
   * The target writer whose families, aggregation default and entry limit shape the wanted set
   * for this device (shapeBans); without one the set is only narrowed to `families`.
   */
  readonly writer?: AnyTargetWriter;
  open(device: DeviceEndpoint<S>, context: DriverContext): Promise<DeviceSession>;
}

/** What a driver receives about one device: the common fields plus its validated settings. */
export interface DeviceEndpoint<S> {
  name: string;
  host: string;
  port?: number | undefined;
  settings: S;
  credentials: DeviceCredentials;
  hostKey: { fingerprints: string[]; knownHostsFile?: string | undefined };
  timeoutMs: number;
  /** The device entry's `families:` (undefined = what the driver takes). */
  families?: 'v4' | 'v6' | 'both' | undefined;
}

/** Resolved secrets (already read from env or files); never logged. */
export interface DeviceCredentials {
  username?: string | undefined;
  password?: string | undefined;
  privateKey?: Buffer | undefined;
  passphrase?: string | undefined;
  agent?: string | undefined;
  enablePassword?: string | undefined;
  /** HTTP API drivers: key/secret or bearer token. */
  apiKey?: string | undefined;
  apiSecret?: string | undefined;
  caFile?: string | undefined;
}

/** The registry's view of a driver: settings reach `open` only after its own `settings` schema parsed them. */
export type AnyDeviceDriver = DeviceDriver<unknown>;
