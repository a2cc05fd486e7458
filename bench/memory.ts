/**
 * Issue 18: the memory `serve` takes, from Linux's own counters for the process
 * (/proc/<pid>/status: VmHWM, the peak resident set, and VmRSS; proc(5)). The bundled CLI serves a
 * local list of the bench's mixed set (8% IPv6) with the default outputs, under BENCH_NODE or this
 * Node: once from an empty state directory (the first sync builds and renders everything) and once
 * restarted on the state that run left (published.json read back). "settled" is VmRSS once the
 * first answer is out and BENCH_MEMORY_SETTLE_S (default 8) more seconds have passed, long enough
 * for the render worker to end (render-pool.ts). Goals: 1M peak < 400 MB and settled < 300 MB,
 * 10k < 90 MB. BENCH_CLI=<another build's dist/src/cli/bin.cjs> measures that build instead.
 */
import { execFile, spawn } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { promisify } from 'node:util';
import { generateAddresses } from './generate.js';
import { benchNode } from './node-under-test.js';
import type { Report } from './report.js';

const run = promisify(execFile);
const CLI = process.env.BENCH_CLI ?? fileURLToPath(new URL('../src/cli/bin.cjs', import.meta.url));
const SETTLE_MS = Number(process.env.BENCH_MEMORY_SETTLE_S ?? 8) * 1000;
const SIZES: [number, string][] = [
  [10_000, 'peak and settled < 90 MB'],
  [1_000_000, 'peak < 400 MB, settled < 300 MB'],
];

/** VmHWM and VmRSS in MB; undefined once the process is gone. */
function residentMb(pid: number): { peak: number; now: number } | undefined {
  try {
    const status = readFileSync(`/proc/${pid}/status`, 'utf8');
    const kb = (field: string) => Number(new RegExp(`^${field}:\\s+(\\d+) kB`, 'm').exec(status)?.[1] ?? Number.NaN);
    return { peak: kb('VmHWM') / 1024, now: kb('VmRSS') / 1024 };
  } catch {
    return undefined;
  }
}

async function statusOf(url: string): Promise<number> {
  try {
    const response = await fetch(url);
    await response.arrayBuffer();
    return response.status;
  } catch {
    return 0;
  }
}

async function served(port: () => number | undefined): Promise<void> {
  for (;;) {
    const at = port();
    if (at !== undefined && (await statusOf(`http://127.0.0.1:${at}/plain.txt`)) === 200) return;
    await new Promise((resolve) => setTimeout(resolve, 100));
  }
}

/** One serve run: started, first list answered, settled; its peak and settled RSS. */
async function measureRun(config: string): Promise<{ peak: number; settled: number; readyS: number }> {
  const started = performance.now();
  const child = spawn(benchNode(), [CLI, '-c', config, '--log-format', 'json', 'serve', '--listen', '127.0.0.1:0'], {
    stdio: ['ignore', 'ignore', 'pipe'],
  });
  let log = '';
  child.stderr?.on('data', (chunk: Buffer) => {
    log += chunk;
  });
  const port = () => {
    const line = log.split('\n').find((l) => l.includes('"listening"'));
    return line === undefined ? undefined : (JSON.parse(line).port as number);
  };
  try {
    await served(port);
    const readyS = (performance.now() - started) / 1000;
    await new Promise((resolve) => setTimeout(resolve, SETTLE_MS));
    const memory = residentMb(child.pid as number);
    if (memory === undefined) throw new Error(`serve ended early:\n${log}`);
    return { peak: memory.peak, settled: memory.now, readyS };
  } finally {
    child.kill('SIGTERM');
    await new Promise((resolve) => child.once('exit', resolve));
  }
}

export async function benchMemory(report: Report): Promise<void> {
  const { stdout: version } = await run(benchNode(), ['--version']);
  const rows: Record<string, string | number>[] = [];
  for (const [size, goal] of SIZES) {
    const dir = mkdtempSync(join(tmpdir(), 'apiban-bench-memory-'));
    try {
      const list = join(dir, 'list.txt');
      writeFileSync(list, `${[...generateAddresses(size, 42, 8)].join('\n')}\n`);
      const config = join(dir, 'config.json');
      writeFileSync(config, JSON.stringify({ sources: [{ name: 'bench', file: list }], state: { dir: join(dir, 'state') } }));
      for (const start of ['empty state', 'restart']) {
        const { peak, settled, readyS } = await measureRun(config);
        rows.push({
          node: version.trim(),
          list: `${size} mixed`,
          start,
          'first answer s': readyS.toFixed(1),
          'peak MB': peak.toFixed(0),
          'settled MB': settled.toFixed(0),
          goal,
        });
      }
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  }
  report(`serve's resident memory (VmHWM, VmRSS after ${SETTLE_MS / 1000} s), ${CLI}`, rows);
}
