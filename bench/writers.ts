/**
 * Every registered writer rendering 100k and 1M entries, each in its own process. Bar (issue #3):
 * render well under the time building and aggregating the same set takes, and no more than about two copies
 * of the output held in memory ("extra / output" near or below 2).
 */
import { execFileSync } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { TARGET_NAMES } from '../targets/index.js';
import type { Report } from './report.js';

const WORKER = fileURLToPath(new URL('./writers-worker.js', import.meta.url));

function runWorker(name: string, count: number, repoRoot: string, mode: 'render' | 'baseline') {
  return JSON.parse(
    execFileSync(process.execPath, [WORKER, name, String(count), repoRoot, mode], { encoding: 'utf8', stdio: ['ignore', 'pipe', 'pipe'] }),
  );
}

export async function benchWriters(report: Report, repoRoot: string): Promise<void> {
  const rows: Record<string, string | number>[] = [];
  for (const name of TARGET_NAMES) {
    for (const count of [100_000, 1_000_000]) {
      let r: ReturnType<typeof runWorker>;
      let baseline: ReturnType<typeof runWorker>;
      try {
        r = runWorker(name, count, repoRoot, 'render');
        baseline = runWorker(name, count, repoRoot, 'baseline');
      } catch (error) {
        const message =
          String((error as { stderr?: string }).stderr ?? error)
            .split('\n')
            .find((line) => /Error/.test(line)) ?? 'failed';
        rows.push({ writer: name, addresses: count, entries: `FAILED: ${message.trim().slice(0, 80)}` });
        continue;
      }
      const extraMb = Math.max(0, r.peakMb - baseline.peakMb);
      rows.push({
        writer: name,
        addresses: count,
        entries: r.overLimit ? `${r.entries} (over device limit)` : r.entries,
        'render ms': r.renderMs.toFixed(0),
        'build+aggregate ms': r.aggregateMs.toFixed(0),
        'render / build+aggregate': (r.renderMs / r.aggregateMs).toFixed(2),
        'output MB': r.outputMb.toFixed(1),
        'extra peak MB': extraMb.toFixed(0),
        'extra / output': r.outputMb > 1 ? (extraMb / r.outputMb).toFixed(1) : '-',
      });
    }
  }
  report('writers: render 100k and 1M entries', rows);
}
