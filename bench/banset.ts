/**
 * Parse + aggregate + render at 10k, 100k and 1M addresses, each size in its own process for an
 * honest peak RSS, compared with FireHOL's `iprange` aggregating the same file when installed.
 * Bar (issue #2): 1M IPv4 no slower than iprange, peak memory under 300 MB.
 */
import { execFileSync, spawnSync } from 'node:child_process';
import { createWriteStream, mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { once } from 'node:events';
import { generateAddresses } from './generate.js';
import type { Report } from './report.js';

const WORKER = fileURLToPath(new URL('./banset-worker.js', import.meta.url));

async function writeInput(path: string, count: number): Promise<void> {
  const out = createWriteStream(path);
  for (const address of generateAddresses(count)) {
    if (!out.write(`${address}\n`)) await once(out, 'drain');
  }
  out.end();
  await once(out, 'finish');
}

function timeIprange(input: string, dir: string): number | undefined {
  if (spawnSync('iprange', ['--version']).error) return undefined;
  const v4Only = join(dir, 'v4-only.txt');
  execFileSync('sh', ['-c', `grep -v : "${input}" > "${v4Only}"`]);
  const started = process.hrtime.bigint();
  execFileSync('sh', ['-c', `iprange "${v4Only}" > /dev/null`]);
  return Number(process.hrtime.bigint() - started) / 1e6;
}

export async function benchBanset(report: Report): Promise<void> {
  const dir = mkdtempSync(join(tmpdir(), 'apiban-bench-'));
  const rows: Record<string, string | number>[] = [];
  for (const count of [10_000, 100_000, 1_000_000]) {
    const input = join(dir, `input-${count}.txt`);
    await writeInput(input, count);
    const result = JSON.parse(execFileSync(process.execPath, [WORKER, input, join(dir, `out-${count}.txt`)], { encoding: 'utf8' }));
    const iprangeMs = timeIprange(input, dir);
    rows.push({
      addresses: count,
      'parse ms': result.parseMs.toFixed(0),
      'aggregate ms': result.aggregateMs.toFixed(0),
      'render ms': result.renderMs.toFixed(0),
      'total ms': result.totalMs.toFixed(0),
      'out entries': result.entriesOut,
      'peak RSS MB': result.peakRssMb.toFixed(0),
      'iprange ms': iprangeMs === undefined ? 'not installed' : iprangeMs.toFixed(0),
      'ours / iprange': iprangeMs === undefined ? '-' : (result.totalMs / iprangeMs).toFixed(2),
    });
  }
  report('ban set: parse + aggregate + render (plain)', rows);
}
