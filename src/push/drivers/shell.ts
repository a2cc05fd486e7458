/**
 * The flow the shell drivers (linux-nftables, linux-ipset, pf) share over SSH exec + SFTP
 * (src/push/ssh.ts): read the managed list with the dialect's commands and parse it strictly;
 * when it differs, upload the difference (nftables, ipset: when the live set is one the driver
 * manages) or else the writer's whole file to a fresh temp path, apply it with one
 * command the device runs as a single transaction, read back and verify, and always remove the
 * temp file. Commands are built only from validated names and the temp path (no list entry ever
 * reaches a command line: entries travel inside the uploaded file, formatted from Prefix objects).
 */
import { randomBytes } from 'node:crypto';
import * as z from 'zod';
import type { BanSet } from '../../banset/banset.js';
import { isEmptyDiff, type BanDiff } from '../../banset/diff.js';
import { DeviceError } from '../../errors.js';
import type { DeviceSession, DeviceEndpoint, DriverContext } from '../driver.js';
import { connectSsh, type ExecResult, type SshConnection } from '../ssh.js';
import { verifyHolds } from './verify.js';
import type { BlockedCounters } from '../../fleet/blocked.js';

/** Settings every shell driver takes. */
export const shellSettings = {
  sudo: z.boolean().default(false).describe('prefix every command with `sudo -n` (a login that is not root)'),
  tempDir: z
    .string()
    .regex(/^\/[A-Za-z0-9_./-]*$/, 'an absolute path of letters, digits, _ . / -')
    .refine((p) => !p.includes('..'), 'must not contain ..')
    .default('/tmp')
    .describe('remote directory for the uploaded file (removed after the apply)'),
};
export interface ShellSettings {
  sudo: boolean;
  tempDir: string;
}

/** What one shell driver knows about its device. */
export interface ShellDialect {
  /** Commands that print the managed list(s), without sudo. */
  readCommands(): string[];
  /** Turns their results into the set held now; a missing list is empty, anything unexpected throws. */
  parseRead(results: ExecResult[], commands: string[]): BanSet;
  /** The set as it must compare with the read-back (nftables merges adjacent entries). */
  comparable(wanted: BanSet): BanSet;
  /** The file to upload, or undefined when the apply command needs none (pfSense URL table refresh). */
  renderFile(wanted: BanSet): string | undefined;
  fileSuffix: string;
  /** The one command that applies the file (or the refresh), without sudo. */
  applyCommand(file: string): string;
  /** Optional: the ban rule's counters, from the latest read's results. */
  parseCounters?(results: ExecResult[]): BlockedCounters | undefined;
  /**
   * Only the difference: a file, the entries it carries and the command that applies it; or
   * undefined when the full refill is the right thing (the live set is missing or not one this
   * driver manages). Called after `parseRead`, so the dialect may use what it saw there.
   */
  delta?(diff: BanDiff, wanted: BanSet): ShellChange | undefined;
}

/** One upload-and-apply: the file (undefined = nothing to upload), how many entries it carries, its command. */
export interface ShellChange {
  file: string | undefined;
  entries: number;
  command(file: string): string;
}

export class ShellSession implements DeviceSession {
  private held: BanSet | undefined;
  private lastRead: ExecResult[] = [];
  private readonly tempFile: string;

  constructor(
    private readonly connection: SshConnection,
    private readonly device: DeviceEndpoint<ShellSettings>,
    private readonly dialect: ShellDialect,
    private readonly onPhase: DriverContext['onPhase'],
  ) {
    const slug = device.name.replace(/[^A-Za-z0-9_-]/g, '_').slice(0, 40);
    this.tempFile = `${device.settings.tempDir.replace(/\/+$/, '')}/apiban-exporter-${slug}-${randomBytes(6).toString('hex')}${dialect.fileSuffix}`;
  }

  async read(): Promise<BanSet> {
    const commands = this.dialect.readCommands().map((c) => this.withSudo(c));
    const results: ExecResult[] = [];
    for (const command of commands) results.push(await this.connection.exec(command));
    this.held = this.dialect.parseRead(results, commands);
    this.lastRead = results;
    return this.held;
  }

  async readCounters(): Promise<BlockedCounters | undefined> {
    return this.dialect.parseCounters?.(this.lastRead);
  }

  /** The form the device stores the set in, so the job's diff and guard compare like with like. */
  comparable(wanted: BanSet): BanSet {
    return this.dialect.comparable(wanted);
  }

  plan(diff: BanDiff, wanted: BanSet): string[] {
    if (!this.needsChange(diff, wanted)) return [];
    const { file, command } = this.change(diff, wanted);
    const upload = file === undefined ? [] : [uploadStep(this.tempFile, file)];
    const cleanup = file === undefined ? [] : [this.removeCommand()];
    return [...upload, this.withSudo(command(this.tempFile)), ...cleanup];
  }

  async apply(diff: BanDiff, wanted: BanSet): Promise<{ sent: number; bytes: number }> {
    if (!this.needsChange(diff, wanted)) return { sent: 0, bytes: 0 };
    const change = this.change(diff, wanted);
    const file = change.file;
    const command = this.withSudo(change.command(this.tempFile));
    try {
      if (file !== undefined) await this.connection.writeFile(this.tempFile, file, 0o600);
      const result = await this.connection.exec(command);
      if (result.code !== 0) throw commandFailure(this.device.name, command, result);
    } finally {
      if (file !== undefined) await this.removeTempFile();
    }
    this.onPhase?.('verifying');
    const after = await this.read();
    verifyHolds(this.device.name, this.dialect.readCommands().join(' && '), after, this.dialect.comparable(wanted));
    return { sent: file === undefined ? 1 : change.entries, bytes: file === undefined ? 0 : Buffer.byteLength(file) };
  }

  close(): Promise<void> {
    return this.connection.close();
  }

  /** The difference when the dialect can send one, else the whole file (or the refresh command). */
  private change(diff: BanDiff, wanted: BanSet): ShellChange {
    return (
      this.dialect.delta?.(diff, wanted) ?? {
        file: this.dialect.renderFile(wanted),
        entries: wanted.size,
        command: (file) => this.dialect.applyCommand(file),
      }
    );
  }

  /** Compares what the device holds with what it must hold, in the dialect's terms. */
  private needsChange(diff: BanDiff, wanted: BanSet): boolean {
    if (this.held !== undefined) return !this.held.equals(this.dialect.comparable(wanted));
    return !isEmptyDiff(diff);
  }

  private withSudo(command: string): string {
    return this.device.settings.sudo ? `sudo -n ${command}` : command;
  }

  private removeCommand(): string {
    return this.withSudo(`rm -f ${this.tempFile}`);
  }

  /** Best effort: a left-over temp file is not worth failing a push that already succeeded or failed. */
  private async removeTempFile(): Promise<void> {
    try {
      await this.connection.exec(this.removeCommand());
    } catch {
      // the connection is gone (timeout); the file holds only public addresses and is 0600
    }
  }
}

/** Opens the SSH connection and wraps it in a ShellSession. */
export async function openShellSession(
  device: DeviceEndpoint<ShellSettings>,
  context: DriverContext,
  dialect: ShellDialect,
): Promise<DeviceSession> {
  const connection = await connectSsh(device, context);
  return new ShellSession(connection, device, dialect, context.onPhase);
}

/** The upload as `--dry-run` shows it: a header line, then the file exactly as it would be sent. */
function uploadStep(path: string, file: string): string {
  const lines = file === '' ? [] : file.replace(/\n$/, '').split('\n');
  return [`sftp put ${path} (${lines.length} lines, ${Buffer.byteLength(file)} bytes):`, ...lines].join('\n');
}

/** A command that exited non-zero, with what it printed. */
export function commandFailure(device: string, command: string, result: ExecResult): DeviceError {
  return new DeviceError(device, command, `exit ${result.code ?? result.signal}: ${result.stderr || result.stdout}`);
}
