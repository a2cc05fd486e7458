/**
 * Issue 18: how long 1,000 keep-alive pollers wait while the real `serve` (the bundled CLI, as a
 * child process under BENCH_NODE or this Node) rebuilds a 1M-entry set, when a sync brings a new
 * list and when a SIGHUP changes the allowlist. wrk holds the 1,000 connections and polls
 * with If-None-Match, taking each new ETag from the answers (bench/poll-etag.lua), so polls are
 * 304s but for one per thread after each change, and each connection pauses between its polls
 * (BENCH_REBUILD_POLL_MS, default 500). Goal: p99 under 10 ms. Measures, never asserts.
 *
 * BENCH_REBUILD_SECONDS (default 20) is the length of each run; BENCH_CLI=<path of another
 * build's dist/src/cli/bin.cjs> measures that build instead (before/after figures).
 */
import { execFile, spawn, type ChildProcess } from 'node:child_process';
import { mkdtempSync, renameSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { promisify } from 'node:util';
import { generateAddresses } from './generate.js';
import { benchNode } from './node-under-test.js';
import type { Report } from './report.js';

const run = promisify(execFile);
const SIZE = 1_000_000;
const POLLERS = 1_000;
const SECONDS = Number(process.env.BENCH_REBUILD_SECONDS ?? 20);
/** Each poller's pause between polls: 1,000 of them at 500 ms make 2,000 polls a second. */
const POLL_MS = Number(process.env.BENCH_REBUILD_POLL_MS ?? 500);
const CLI = process.env.BENCH_CLI ?? fileURLToPath(new URL('../src/cli/bin.cjs', import.meta.url));
const LUA = fileURLToPath(new URL('../../bench/poll-etag.lua', import.meta.url));
/** Every this often the list file changes (sync-driven) or a SIGHUP flips the allowlist (reload-driven). */
const CHANGE_EVERY_MS = 5_000;
/**
 * What the pollers GET: a list's .md5 sidecar, answered by the same code as the list (pre-built
 * bytes, ETag, 304) but 33 bytes long, so the 200 each poller gets after a change is not a 14 MB
 * body. (HEAD would do, but wrk reads a HEAD answer's Content-Length as a body to wait for.)
 */
const POLLED = '/fmc.txt.md5';

/** `none`: the same pollers with nothing rebuilt, the floor the machine gives at that moment. */
type Trigger = 'none' | 'sync' | 'reload';

interface Daemon {
  child: ChildProcess;
  url: string;
  log: () => string;
}

function writeList(path: string, seed: number): void {
  writeFileSync(`${path}.new`, `${[...generateAddresses(SIZE, seed, 8)].join('\n')}\n`);
  renameSync(`${path}.new`, path);
}

/** The allowlist flips between two /16s of the generated clusters: each reload changes about 1,000 bans. */
function writeConfig(dir: string, list: string, trigger: Trigger, flip: number): string {
  const path = join(dir, 'config.json');
  const interval = trigger === 'sync' ? '1s' : '1h';
  const allowlist = [flip % 2 === 0 ? '45.0.0.0/16' : '45.1.0.0/16'];
  const config = {
    sources: [{ name: 'bench', file: list }],
    state: { dir: join(dir, 'state') },
    sync: { interval },
    policy: { allowlist },
    // The interval is at least the APIBAN budget's share per sync (sync-loop.ts); no APIBAN here.
    apiban: { budget: { requests: 1000, window: '1m' } },
    // The firewalls' list plus Cisco FMC's, whose .md5 sidecar the pollers fetch (POLLED).
    outputs: [
      { name: 'plain', target: 'plain' },
      { name: 'fmc', target: 'cisco-fmc' },
    ],
  };
  writeFileSync(`${path}.new`, JSON.stringify(config));
  renameSync(`${path}.new`, path);
  return path;
}

async function startDaemon(config: string): Promise<Daemon> {
  const args = [CLI, '-c', config, '--log-format', 'json', 'serve', '--listen', '127.0.0.1:0', '--min-interval', '1s'];
  const child = spawn(benchNode(), args, { stdio: ['ignore', 'ignore', 'pipe'] });
  let log = '';
  child.stderr?.on('data', (chunk: Buffer) => {
    log += chunk;
  });
  const port = await new Promise<number>((resolve, reject) => {
    const check = setInterval(() => {
      const line = log.split('\n').find((l) => l.includes('"listening"'));
      if (line !== undefined) {
        clearInterval(check);
        resolve(JSON.parse(line).port as number);
      }
    }, 50);
    child.once('exit', (code) => reject(new Error(`serve exited (${code}) before listening:\n${log}`)));
  });
  return { child, url: `http://127.0.0.1:${port}${POLLED}`, log: () => log };
}

/** Waits until the first sync has published (its answer is 200 with an ETag). */
async function firstEtag(url: string): Promise<string> {
  for (;;) {
    const response = await fetch(url).catch(() => undefined);
    await response?.arrayBuffer();
    const etag = response?.headers.get('etag');
    if (response?.status === 200 && etag) return etag;
    await new Promise((resolve) => setTimeout(resolve, 200));
  }
}

function parseWrk(out: string): Record<string, string | number> {
  const unit = (value: string, scale: string) => Number(value) * { us: 0.001, ms: 1, s: 1000 }[scale as 'us' | 'ms' | 's'];
  const p99 = /99%\s+([\d.]+)(us|ms|s)/.exec(out);
  const max = /Latency\s+[\d.]+\w+\s+[\d.]+\w+\s+([\d.]+)(us|ms|s)/.exec(out);
  const total = /(\d+) requests in/.exec(out);
  const errors = /Socket errors: (.*)/.exec(out)?.[1] ?? 'none';
  return {
    polls: Number(total?.[1] ?? 0),
    'p99 ms': p99 ? unit(p99[1], p99[2]).toFixed(1) : 'n/a',
    'worst ms': max ? unit(max[1], max[2]).toFixed(0) : 'n/a',
    'socket errors': errors,
  };
}

async function measure(trigger: Trigger): Promise<Record<string, string | number>> {
  const dir = mkdtempSync(join(tmpdir(), 'apiban-bench-rebuild-'));
  const list = join(dir, 'list.txt');
  writeList(list, 1);
  let flip = 0;
  const config = writeConfig(dir, list, trigger, flip);
  const daemon = await startDaemon(config);
  try {
    const etag = await firstEtag(daemon.url);
    // One change before measuring: a daemon that moves large syncs to a thread has done so by then.
    const change = () => {
      flip++;
      if (trigger === 'sync') writeList(list, 1 + (flip % 2));
      else if (trigger === 'reload') {
        writeConfig(dir, list, trigger, flip);
        daemon.child.kill('SIGHUP');
      }
    };
    change();
    await new Promise((resolve) => setTimeout(resolve, CHANGE_EVERY_MS));
    const timer = setInterval(change, CHANGE_EVERY_MS);
    const changesBefore = flip;
    const wrk = run(
      'sh',
      [
        '-c',
        `ulimit -n 8192; exec wrk -t 2 -c ${POLLERS} -d ${SECONDS}s --timeout 10s --latency -s "$0" "$1" "$2" "$3"`,
        LUA,
        daemon.url,
        etag,
        String(POLL_MS),
      ],
      { maxBuffer: 1 << 20 },
    );
    const { stdout } = await wrk.finally(() => clearInterval(timer));
    const rebuilt = (daemon.log().match(/"sync done"|"configuration reloaded"/g) ?? []).length;
    if (process.env.BENCH_REBUILD_TRACE !== undefined) process.stderr.write(daemon.log());
    return { trigger, changes: flip - changesBefore, 'syncs + reloads logged': rebuilt, ...parseWrk(stdout) };
  } finally {
    daemon.child.kill('SIGTERM');
    await new Promise((resolve) => daemon.child.once('exit', resolve));
    rmSync(dir, { recursive: true, force: true });
  }
}

export async function benchServeRebuild(report: Report): Promise<void> {
  if (
    !(await run('sh', ['-c', 'command -v wrk']).then(
      () => true,
      () => false,
    ))
  ) {
    report('serve while a 1M set is rebuilt: skipped (wrk is not installed)', []);
    return;
  }
  const rows = [];
  for (const trigger of ['none', 'sync', 'reload'] as const)
    rows.push({ ...(await measure(trigger)), bar: trigger === 'none' ? '' : 'p99 < 10 ms' });
  const { stdout } = await run(benchNode(), ['--version']);
  report(
    `serve (${CLI.includes('/dist/src/') ? CLI.split('/dist/src/')[0] : CLI}, node ${stdout.trim()}): ${POLLERS} keep-alive pollers (GET ${POLLED}, If-None-Match), one poll each per ${POLL_MS} ms, while a ${SIZE}-entry list is rebuilt every ${CHANGE_EVERY_MS / 1000} s, ${SECONDS} s`,
    rows,
  );
}
