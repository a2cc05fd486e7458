/**
 * A Junos SRX/MX CLI: `user@srx> ` (operational) and `user@srx# ` after an `[edit]` banner
 * (configuration), `---(more)---` until `set cli screen-length 0`, `policy-options prefix-list`
 * statements, and the candidate semantics the push relies on (Junos CLI guide, "configure
 * exclusive" / "configure private" / "commit confirmed"): edits go to a candidate, `commit`
 * activates it, `commit confirmed N` rolls back by itself unless a `commit` follows within N
 * minutes (`minuteMs` makes a minute short in tests), `rollback 0` discards the candidate, and
 * an exclusive or private candidate is discarded when its session ends.
 */
import type { CliHandler, CliReply } from './ssh-device.js';
import { startSshDevice, type SimulatedDevice, type SimulatorOptions } from './ssh-device.js';
import { formatPrefix, tryParsePrefix } from '../../src/banset/address.js';
import { junosFilterCounter, type FilterCounters } from './sim-counters.js';

type Lists = Map<string, Set<string>>;

export interface JunosFaults {
  /** `set` of this prefix fails with a syntax error. */
  rejectAddress?: string;
  /** The connection drops when a line containing this text (or matching this pattern) arrives. */
  dropOn?: string | RegExp;
  /** `commit check` and `commit` fail with this message. */
  commitError?: string;
}

export class JunosModel {
  active: Lists = new Map();
  /** The shared candidate of plain `configure` sessions. */
  shared: Lists | undefined;
  commits = 0;
  rollbacks = 0;
  pendingConfirm: NodeJS.Timeout | undefined;
  private pendingRollback: (() => void) | undefined;
  /** Firewall filter counters for `show firewall filter F counter C` (sim-counters.ts). */
  readonly filters: FilterCounters = new Map();
  constructor(readonly minuteMs = 60_000) {}

  /**
   * Lets the `commit confirmed` window run out now instead of waiting for it: rolls back if a
   * confirmed commit is still unconfirmed. Returns whether one was.
   */
  expireConfirmedCommit(): boolean {
    const rollback = this.pendingRollback;
    this.clearPendingConfirm();
    rollback?.();
    return rollback !== undefined;
  }

  /** @internal */
  armRollback(rollback: () => void, afterMs: number): void {
    this.clearPendingConfirm();
    this.pendingRollback = rollback;
    this.pendingConfirm = setTimeout(() => this.expireConfirmedCommit(), afterMs);
    this.pendingConfirm.unref();
  }

  clearPendingConfirm(): void {
    clearTimeout(this.pendingConfirm);
    this.pendingConfirm = undefined;
    this.pendingRollback = undefined;
  }

  entries(list: string): string[] {
    return [...(this.active.get(list) ?? [])].sort();
  }

  seed(list: string, prefixes: Iterable<string>): void {
    const set = this.active.get(list) ?? new Set<string>();
    for (const p of prefixes) set.add(p);
    this.active.set(list, set);
  }
}

function copy(lists: Lists): Lists {
  return new Map([...lists].map(([name, set]) => [name, new Set(set)]));
}

const SET_LINES = (lists: Lists) =>
  [...lists].flatMap(([name, set]) =>
    set.size === 0 ? [`set policy-options prefix-list ${name}`] : [...set].sort().map((p) => `set policy-options prefix-list ${name} ${p}`),
  );

export class JunosCli implements CliHandler {
  readonly echo = true;
  readonly pager = '---(more)---';
  pageLength = 24;
  private candidate: Lists | undefined;
  private mode: 'exclusive' | 'private' | 'shared' | undefined;

  constructor(
    private readonly model: JunosModel,
    private readonly faults: JunosFaults = {},
  ) {}

  greeting(): string {
    return '--- JUNOS 21.4R3 built 2022-01-01\n\nuser@srx> ';
  }

  handle(raw: string): CliReply | string {
    const line = raw.trim();
    const drop = this.faults.dropOn;
    if (drop !== undefined && (typeof drop === 'string' ? line.includes(drop) : drop.test(line))) {
      this.discard();
      return { output: '', drop: true };
    }
    if (line === '') return this.prompt();
    const output = this.candidate === undefined ? this.operational(line) : this.configuration(line);
    if (output === undefined)
      return `${' '.repeat(this.prompt().length)}^\n${this.candidate ? 'syntax error.' : 'unknown command.'}\n${this.prompt()}`;
    return `${output}${this.prompt()}`;
  }

  /** Called when the session ends: exclusive and private candidates die with it. */
  discard(): void {
    if (this.mode !== 'shared') this.candidate = undefined;
  }

  private operational(line: string): string | undefined {
    if (line === 'set cli screen-length 0') {
      this.pageLength = 0;
      return 'Screen length set to 0\n\n';
    }
    if (line === 'set cli screen-width 0') return 'Screen width set to 0\n\n';
    const configure = /^configure( exclusive| private)?$/.exec(line);
    if (configure !== null) return this.enter((configure[1]?.trim() ?? 'shared') as 'exclusive' | 'private' | 'shared');
    const counter = /^show firewall filter (\S+) counter (\S+)$/.exec(line);
    if (counter !== null) return junosFilterCounter(this.model.filters, counter[1], counter[2]);
    const show = /^show configuration policy-options(.*)$/.exec(line);
    return show === null
      ? undefined
      : `${pipe(SET_LINES(this.model.active), show[1])
          .map((l) => `${l}\n`)
          .join('')}\n`;
  }

  private enter(mode: 'exclusive' | 'private' | 'shared'): string {
    this.mode = mode;
    if (mode === 'shared') this.candidate = this.model.shared ??= copy(this.model.active);
    else this.candidate = copy(this.model.active);
    const warning = mode === 'shared' ? '' : 'warning: uncommitted changes will be discarded on exit\n';
    return `${warning}Entering configuration mode\n`;
  }

  private configuration(line: string): string | undefined {
    const candidate = this.candidate as Lists;
    const statement = /^(set|delete) policy-options prefix-list ([A-Za-z0-9_.-]+)(?: (\S+))?$/.exec(line);
    if (statement !== null) return this.edit(candidate, statement[1], statement[2], statement[3]);
    if (line === 'show | compare') return compare(this.model.active, candidate);
    if (line === 'commit check')
      return this.faults.commitError
        ? `error: configuration check-out failed: ${this.faults.commitError}\n`
        : 'configuration check succeeds\n';
    const commit = /^commit(?: confirmed (\d+))?(?: comment "[^"]*")?$/.exec(line);
    if (commit !== null) return this.commit(commit[1] === undefined ? undefined : Number(commit[1]));
    if (line === 'rollback' || line === 'rollback 0') {
      this.candidate = copy(this.model.active);
      this.sync();
      return 'load complete\n';
    }
    if (line === 'exit' || line === 'exit configuration-mode' || line === 'quit') {
      this.discard();
      this.candidate = undefined;
      return 'Exiting configuration mode\n\n';
    }
    return undefined;
  }

  private edit(candidate: Lists, verb: string, name: string, prefix: string | undefined): string | undefined {
    if (prefix === undefined) {
      if (verb === 'delete') candidate.delete(name);
      else if (!candidate.has(name)) candidate.set(name, new Set());
      return '';
    }
    const parsed = tryParsePrefix(prefix);
    if (typeof parsed === 'string' || !prefix.includes('/') || prefix === this.faults.rejectAddress) return undefined;
    const text = formatPrefix(parsed, true);
    const list = candidate.get(name) ?? new Set<string>();
    candidate.set(name, list);
    if (verb === 'set') list.add(text);
    else if (!list.delete(text)) return 'warning: statement not found\n';
    return '';
  }

  private commit(confirmMinutes: number | undefined): string {
    if (this.faults.commitError) return `error: configuration check-out failed: ${this.faults.commitError}\nerror: commit failed\n`;
    const previous = this.model.active;
    this.model.active = copy(this.candidate as Lists);
    this.model.commits += 1;
    this.model.clearPendingConfirm();
    if (confirmMinutes === undefined) return 'commit complete\n';
    this.model.armRollback(() => {
      this.model.active = previous;
      this.model.rollbacks += 1;
    }, confirmMinutes * this.model.minuteMs);
    return `commit confirmed will be automatically rolled back in ${confirmMinutes} minutes unless confirmed\ncommit complete\n\n# commit confirmed will be rolled back in ${confirmMinutes} minutes\n`;
  }

  private sync(): void {
    if (this.mode === 'shared') this.model.shared = this.candidate;
  }

  private prompt(): string {
    return this.candidate === undefined ? 'user@srx> ' : '\n[edit]\nuser@srx# ';
  }
}

/** Output pipes: `| display set` is implied by our rendering; `| match "re"` filters lines. */
function pipe(lines: string[], pipes: string): string[] {
  let result = lines;
  for (const part of pipes
    .split(' | ')
    .slice(1)
    .map((p) => p.trim())) {
    const match = /^match "?(.*?)"?$/.exec(part);
    if (match !== null) result = result.filter((l) => new RegExp(match[1]).test(l));
  }
  return result;
}

function compare(active: Lists, candidate: Lists): string {
  const lines: string[] = [];
  for (const name of new Set([...active.keys(), ...candidate.keys()])) {
    const before = active.get(name) ?? new Set<string>();
    const after = candidate.get(name) ?? new Set<string>();
    const changes = [
      ...[...after].filter((p) => !before.has(p)).map((p) => `+    ${p};`),
      ...[...before].filter((p) => !after.has(p)).map((p) => `-    ${p};`),
    ];
    if (changes.length > 0) lines.push(`[edit policy-options prefix-list ${name}]`, ...changes);
  }
  return lines.map((l) => `${l}\n`).join('');
}

export interface JunosSimulator {
  device: SimulatedDevice;
  model: JunosModel;
}

export async function startJunos(ssh: SimulatorOptions, faults: JunosFaults = {}, model = new JunosModel()): Promise<JunosSimulator> {
  const device = await startSshDevice(() => new JunosCli(model, faults), ssh);
  return { device, model };
}
