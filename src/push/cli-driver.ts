/**
 * The one driver for every target whose writer has a `device` dialect (cisco-ios, cisco-asa,
 * junos): log in over SSH, enable when an enable password is configured, run the dialect's
 * `prepare` (paging off), read with `show` + `parse`, and apply the dialect's plan one line at a
 * time, checking every line's output against the dialect's error patterns. On the first error
 * the dialect's `abort` commands run (Junos discards the candidate; Cisco leaves config mode)
 * and a DeviceChangeError lists the lines the device had already accepted. The settings of a
 * device entry are the writer's own options (group / list names, placeholders, commit mode).
 */
import { createExactBanSet, type BanSet } from '../banset/banset.js';
import { diffBanSets, type BanDiff } from '../banset/diff.js';
import { DeviceChangeError, DeviceError, truncate, errorMessage } from '../errors.js';
import type { DeviceDialect, DevicePlan, TargetWriter } from '../writers/contract.js';
import type { BlockedCounters } from '../fleet/blocked.js';
import { CLI_COUNTER_READERS, readCliCounters, withCounterSettings, type CliCounterReader } from './blocked/cli-readers.js';
import type { CliSession } from './cli-session.js';
import type { DeviceDriver, DeviceSession, DeviceEndpoint, DriverContext } from './driver.js';
import { connectSsh, type SshConnection } from './ssh.js';
import { verifyHolds } from './drivers/verify.js';

export type DialectWriter<O> = TargetWriter<O> & { readonly device: DeviceDialect<O> };

function hasDialect<O>(writer: TargetWriter<O>): writer is DialectWriter<O> {
  return writer.device !== undefined;
}

/** The generic CLI driver around a target's device dialect; its settings are the target's options. */
export function createCliDriver<O>(writer: TargetWriter<O>): DeviceDriver<O> {
  if (!hasDialect(writer)) throw new Error(`the ${writer.name} target has no device dialect to drive`);
  const counters = CLI_COUNTER_READERS.get(writer.name);
  return {
    name: writer.name,
    summary: `${writer.summary} over an SSH CLI session`,
    settings: counters === undefined ? writer.options : withCounterSettings(writer.options, counters.schema),
    families: writer.families,
    writer,
    async open(device: DeviceEndpoint<O>, context: DriverContext): Promise<DeviceSession> {
      const connection = await connectSsh(device, context);
      try {
        const cli = await connection.openCli({ prompt: writer.device.prompt, commandTimeoutMs: device.timeoutMs });
        const session = new CliDeviceSession(writer.device, device, connection, cli, context, counters);
        await session.prepare();
        return session;
      } catch (error) {
        await connection.close();
        throw error;
      }
    },
  };
}

class CliDeviceSession<O> implements DeviceSession {
  constructor(
    private readonly dialect: DeviceDialect<O>,
    private readonly device: DeviceEndpoint<O>,
    private readonly connection: SshConnection,
    private readonly cli: CliSession,
    private readonly context: DriverContext,
    private readonly counters?: CliCounterReader<unknown>,
  ) {}

  async prepare(): Promise<void> {
    const { enablePassword } = this.device.credentials;
    if (enablePassword !== undefined) await this.cli.enable(enablePassword);
    for (const command of this.dialect.prepare) await this.runChecked(command);
  }

  async read(): Promise<BanSet> {
    const output = await this.runChecked(this.dialect.show(this.device.settings));
    return createExactBanSet(this.dialect.parse(output, this.device.settings, this.device.name));
  }

  plan(diff: BanDiff, wanted: BanSet): string[] {
    const { apply, commit } = this.planFor(diff, wanted);
    return [...apply, ...commit];
  }

  async apply(diff: BanDiff, wanted: BanSet): Promise<{ sent: number }> {
    const plan = this.planFor(diff, wanted);
    const applied: string[] = [];
    for (const command of [...plan.apply, ...plan.commit]) {
      try {
        await this.runChecked(command);
      } catch (error) {
        const aborted = await this.abort(plan);
        const output = error instanceof DeviceError ? error.output : errorMessage(error);
        throw new DeviceChangeError(this.device.name, command, output, applied, aborted);
      }
      applied.push(command);
    }
    await this.verifyApplied(wanted);
    this.context.log.info({ device: this.device.name, sent: applied.length }, 'device updated');
    return { sent: applied.length };
  }

  /**
   * The hit counts of the rule the operator named in `settings.counters`. Counting is a side
   * show: a failed read is logged and reported as nothing, it never fails the push.
   */
  async readCounters(): Promise<BlockedCounters | undefined> {
    const configured = (this.device.settings as { counters?: unknown }).counters;
    if (this.counters === undefined || configured === undefined) return undefined;
    try {
      const blocked = await readCliCounters(this.counters.reads(configured, this.device.settings as Record<string, unknown>), (command) =>
        this.runChecked(command),
      );
      if (blocked === undefined)
        this.context.log.warn({ device: this.device.name }, 'counters: no entry of the configured rule references the managed lists');
      return blocked;
    } catch (error) {
      this.context.log.warn({ device: this.device.name, error: errorMessage(error) }, 'counters: reading the hit counts failed');
      return undefined;
    }
  }

  async close(): Promise<void> {
    this.cli.close();
    await this.connection.close();
  }

  private planFor(diff: BanDiff, wanted: BanSet): DevicePlan {
    return this.dialect.plan(diff, wanted, this.device.settings);
  }

  /**
   * Every command was accepted; only the device's own listing proves the list now holds the set.
   * It holds it when the dialect would send nothing more (an emptied group keeps its placeholder).
   */
  private async verifyApplied(wanted: BanSet): Promise<void> {
    this.context.onPhase?.('verifying');
    const after = await this.read();
    if (this.planFor(diffBanSets(after, wanted), wanted).apply.length === 0) return;
    verifyHolds(this.device.name, this.dialect.show(this.device.settings), after, wanted);
  }

  /** Best effort: the session may already be gone (that is often why we are here). */
  private async abort(plan: DevicePlan): Promise<boolean> {
    if (plan.abort.length === 0 || this.context.signal.aborted) return false;
    try {
      for (const command of plan.abort) await this.cli.run(command);
      return true;
    } catch (error) {
      this.context.log.warn({ device: this.device.name, error: errorMessage(error) }, 'abort commands failed');
      return false;
    }
  }

  /** Runs one command; output matching any of the dialect's error patterns is a DeviceError. */
  private async runChecked(command: string): Promise<string> {
    const output = await this.cli.run(command);
    const error = this.dialect.errors.find((pattern) => pattern.test(output));
    if (error !== undefined) {
      this.context.log.warn({ device: this.device.name, command, output: truncate(output.trim(), 300) }, 'device rejected a command');
      throw new DeviceError(this.device.name, command, output);
    }
    return output;
  }
}
