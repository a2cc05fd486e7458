/**
 * What the soak holds the run to, and `push --watch` as a child process with its log kept.
 */
import { spawn, type ChildProcess } from 'node:child_process';
import type { FakeApiban } from '../helpers/fake-apiban.js';
import { CLI } from '../helpers/paths.js';
import type { Violation } from './fleet.js';
import { present } from '../helpers/present.js';
import { parsePrefix } from '../../src/banset/address.js';
import { createBanSet } from '../../src/banset/banset.js';
import { setDigest } from '../../src/sync/history/event.js';

/** Lines no run may ever log: the old lock's failure modes, and crashes. */
const LOCK_ERRORS = /lock lost|compromised|ENOTEMPTY|ELOCKED|internal error|unhandled/i;

export function lockErrors(logs: string): string[] {
  return logs
    .split('\n')
    .filter((line) => LOCK_ERRORS.test(line))
    .slice(0, 5);
}

/**
 * Windows of the fake's log where more requests arrived than the budget allows, and 429s the
 * fake sent on its own account (a real 429, not one of the injected `rate-limit` faults).
 */
export function budgetViolations(fake: FakeApiban, budget: { requests: number; windowMs: number }): string[] {
  const times = fake.requests.map((r) => r.time).sort((a, b) => a - b);
  const problems: string[] = [];
  for (let i = 0; i < times.length; i++) {
    let j = i;
    while (j < times.length && times[j] < times[i] + budget.windowMs) j++;
    if (j - i > budget.requests) problems.push(`${j - i} requests within ${budget.windowMs} ms from ${new Date(times[i]).toISOString()}`);
  }
  const ours = fake.requests.filter((r) => r.status === 429 && r.fault === undefined);
  if (ours.length > 0) problems.push(`${ours.length} 429 answer(s) caused by our pace`);
  return problems.slice(0, 5);
}

/** A served body may only hold addresses some version of the list had: nothing hostile, nothing allowlisted. */
export function everyListedLine(lines: string[], allowed: Set<string>): string | undefined {
  const unknown = lines.map((l) => l.replace(/\/(32|128)$/, '')).filter((l) => !allowed.has(l) || l.startsWith('198.18.7.'));
  return unknown.length === 0 ? undefined : `served ${unknown.length} address(es) no version of the list holds, e.g. ${unknown[0]}`;
}

/**
 * Each distinct body served must be one whole published version: its set's digest is one the
 * sync history recorded (every publication appends one line before it is served). A mix of two
 * versions, a half-applied policy or a set that never passed the guard has a digest of its own.
 */
export function unpublishedBodies(served: Iterable<string[]>, historyText: string): string[] {
  const published = new Set<string>();
  for (const line of historyText.split('\n')) {
    if (line.trim() === '') continue;
    const event = JSON.parse(line) as { before: string; after: string };
    published.add(event.before).add(event.after);
  }
  const strays: string[] = [];
  for (const lines of served) {
    const digest = setDigest(createBanSet(lines.map((l) => parsePrefix(l))));
    if (!published.has(digest)) strays.push(`served a set of ${lines.length} (digest ${digest}) that no sync published`);
  }
  return strays.slice(0, 5);
}

export class PushWatch {
  private child?: ChildProcess;
  private log = '';
  private exited?: Promise<number | null>;
  private stopping = false;
  readonly violations: Violation[] = [];

  constructor(
    private readonly configFile: string,
    private readonly env: Record<string, string>,
  ) {}

  start(): void {
    const child = spawn(
      process.execPath,
      [CLI, '-c', this.configFile, '--log-format', 'json', 'push', '--watch', '--all', '--min-interval', '150ms'],
      {
        env: { PATH: process.env.PATH, HOME: process.env.HOME, ...this.env },
        stdio: ['ignore', 'pipe', 'pipe'],
      },
    );
    present(child.stdout, "the child's stdout").on('data', (chunk: Buffer) => {
      this.log += chunk;
    });
    present(child.stderr, "the child's stderr").on('data', (chunk: Buffer) => {
      this.log += chunk;
    });
    this.exited = new Promise((resolve) =>
      child.on('exit', (code) => {
        if (!this.stopping)
          this.violations.push({ at: Date.now(), what: `push --watch exited on its own with ${code}:\n${this.log.slice(-2000)}` });
        resolve(code);
      }),
    );
    this.child = child;
  }

  async stop(): Promise<void> {
    if (this.child === undefined || this.stopping) return;
    this.stopping = true;
    this.child.kill('SIGTERM');
    await this.exited;
  }

  logs(): string {
    return this.log;
  }
}
