/**
 * Whole processes side by side with their anchors, as ratios from one run (issue 9): start-up
 * against `node -e 0`, aggregating lists with `export --input` against FireHOL's iprange (IPv4)
 * and cidr-tools (mixed families). Each pair runs interleaved, 5 rounds, medians; peak RSS comes
 * from GNU time when installed. Every side writes its list to stdout (/dev/null here), as iprange
 * does: `export --out` would add an fsync and a rename that the anchors do not pay. Measures,
 * never asserts.
 */
import { spawnSync } from 'node:child_process';
import { createWriteStream, existsSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { once } from 'node:events';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { generateAddresses } from './generate.js';
import type { Report } from './report.js';

const CLI = fileURLToPath(new URL('../src/cli/bin.cjs', import.meta.url));
const CIDR_TOOLS = fileURLToPath(new URL('./cidr-tools-anchor.js', import.meta.url));
const ROUNDS = 5;
const GNU_TIME = '/usr/bin/time';

interface Run {
  ms: number;
  mb?: number | undefined;
}

/** One process: wall time, and peak RSS through GNU time when it is there. */
function timeProcess(command: string[], dir: string): Run | undefined {
  const rssFile = join(dir, 'rss');
  const withTime = existsSync(GNU_TIME) ? [GNU_TIME, '-f', '%M', '-o', rssFile, ...command] : command;
  const started = process.hrtime.bigint();
  const result = spawnSync(withTime[0], withTime.slice(1), { stdio: ['ignore', 'ignore', 'ignore'] });
  const ms = Number(process.hrtime.bigint() - started) / 1e6;
  if (result.error !== undefined || result.status !== 0) return undefined;
  return { ms, mb: existsSync(rssFile) ? Number(readFileSync(rssFile, 'utf8').trim().split('\n').pop()) / 1024 : undefined };
}

const median = (values: number[]) => [...values].sort((a, b) => a - b)[Math.floor(values.length / 2)];

/** Ours and the anchor, alternating, so both see the same machine load. */
function pair(ours: string[], anchor: string[] | undefined, dir: string): { ours: Run; anchor?: Run } {
  const a: Run[] = [];
  const b: Run[] = [];
  for (let round = 0; round < ROUNDS; round++) {
    const mine = timeProcess(ours, dir);
    if (mine !== undefined) a.push(mine);
    const theirs = anchor && timeProcess(anchor, dir);
    if (theirs) b.push(theirs);
  }
  const summary = (runs: Run[]) => ({
    ms: median(runs.map((r) => r.ms)),
    mb: runs[0]?.mb === undefined ? undefined : median(runs.map((r) => r.mb as number)),
  });
  return b.length > 0 ? { ours: summary(a), anchor: summary(b) } : { ours: summary(a) };
}

async function writeList(path: string, count: number, v6Percent: number, v4Only = false): Promise<void> {
  const out = createWriteStream(path);
  for (const address of generateAddresses(count, 42, v6Percent)) {
    if (v4Only && address.includes(':')) continue;
    if (!out.write(`${address}\n`)) await once(out, 'drain');
  }
  out.end();
  await once(out, 'finish');
}

const installed = (tool: string) => !spawnSync(tool, ['--version'], { stdio: 'ignore' }).error;

export async function benchAnchors(report: Report): Promise<void> {
  const dir = mkdtempSync(join(tmpdir(), 'apiban-bench-anchors-'));
  const exportArgs = (input: string) => [
    process.execPath,
    CLI,
    '--log-level',
    'warn',
    'export',
    '-t',
    'plain',
    '--aggregate',
    '--input',
    input,
  ];
  const iprange = installed('iprange');
  const rows: Record<string, string | number>[] = [];
  const row = (work: string, anchorName: string, goal: string, measured: { ours: Run; anchor?: Run }) =>
    rows.push({
      work,
      'ours ms': measured.ours.ms.toFixed(0),
      'ours MB': measured.ours.mb?.toFixed(0) ?? '-',
      anchor: anchorName,
      'anchor ms': measured.anchor?.ms.toFixed(0) ?? 'n/a',
      'anchor MB': measured.anchor?.mb?.toFixed(0) ?? '-',
      ratio: measured.anchor ? `${(measured.ours.ms / measured.anchor.ms).toFixed(2)}x` : 'n/a',
      goal,
    });
  try {
    row('`--version` (start-up)', '`node -e 0`', '<= 4x', pair([process.execPath, CLI, '--version'], [process.execPath, '-e', '0'], dir));
    const oneLine = join(dir, 'one-line.txt');
    writeFileSync(oneLine, '203.0.113.7\n');
    row('`export -t plain` of a one-line list', '`node -e 0`', '<= 4x', pair(exportArgs(oneLine), [process.execPath, '-e', '0'], dir));
    for (const count of [100_000, 1_000_000]) {
      const input = join(dir, `v4-${count}.txt`);
      await writeList(input, count, 2, true);
      row(
        `aggregate ${count === 100_000 ? '100k' : '1M'} IPv4, whole CLI`,
        'iprange',
        count === 100_000 ? '<= 2.5x' : '<= 0.75x',
        pair(exportArgs(input), iprange ? ['iprange', input] : undefined, dir),
      );
    }
    const mixed = join(dir, 'mixed-1m.txt');
    await writeList(mixed, 1_000_000, 8);
    row(
      'aggregate 1M mixed (8% IPv6), whole CLI',
      'cidr-tools',
      '<= 0.35x',
      pair(exportArgs(mixed), [process.execPath, CIDR_TOOLS, mixed], dir),
    );
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
  report(`whole processes against their anchors (medians of ${ROUNDS} interleaved rounds)`, rows);
}
