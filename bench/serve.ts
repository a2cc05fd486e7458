/**
 * `serve` under load: a 10k-entry list on 127.0.0.1, 32 connections, full 200 responses and 304
 * revalidations (If-None-Match), with an address allowlist and metrics on. Goals (issue 9): 200s
 * at 0.7x and 304s at 0.6x nginx's requests per second, p99 under 20 ms for 304s.
 *
 * Three servers answer the same bytes: serve, nginx with one worker (matching serve's one event
 * loop) and a bare node:http handler with precomputed headers, what any node:http server costs
 * (bench/serve-target.ts). Each runs in its own process, unpinned unless BENCH_PIN=1 (why:
 * bench/serve-load.ts). Rounds are interleaved (serve, nginx, bare, serve, ...) and the ratios
 * are the medians of each round's ratio, so a machine that gets busier during the run shifts all
 * three together instead of deciding the ratio.
 *
 * Requests per second depend on how much of its CPU each server was given, which other work on
 * the machine decides; the CPU time each server spent per response (from /proc) depends on it
 * less (a contended core still inflates it: fewer requests per wake-up, colder caches), so the
 * table shows both. On a machine as busy as the shared 2-core one can get (load average 6-8),
 * both swing by 2x between rounds and only a quiet machine gives README figures. What does not
 * swing is the second table: serve's own work per request, run in-process without sockets
 * (bench/serve-handler-cost.ts), the part of a response this project controls.
 *
 * BENCH_SERVE_ROUNDS (default 5) and BENCH_SERVE_SECONDS (default 3) size the run;
 * BENCH_SERVE_TOOLS=wrk (or autocannon) runs one load generator; BENCH_SERVE_PROFILE=<dir> writes
 * a CPU profile of the serve process there (node --cpu-prof); BENCH_SERVE_BASELINE=<path of
 * another build's dist/bench/serve-target.js> adds that build's serve to the same interleaved
 * rounds, for before/after figures from one run; BENCH_SERVE_TRACE=1 prints every run on stderr.
 */
import { execFile } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { promisify } from 'node:util';
import { benchNode } from './node-under-test.js';
import type { Report } from './report.js';
import { autocannon, choosePlacement, CONNECTIONS, type LoadGenerator, type Measure, type Placement, wrk } from './serve-load.js';
import { type BenchServer, startNginx, startNodeTarget } from './serve-servers.js';

const run = promisify(execFile);
const ROUNDS = Number(process.env.BENCH_SERVE_ROUNDS ?? 5);
const SECONDS = Number(process.env.BENCH_SERVE_SECONDS ?? 3);

type Kind = 'full' | 'revalidate';

/** wrk and autocannon send no Accept-Encoding: every figure is of the identity representation. */
const IDENTITY = { 'accept-encoding': 'identity' };

interface Target {
  server: BenchServer;
  etag: string;
}

/** A load run plus the server's CPU time per response in it, in microseconds. */
interface Sample extends Measure {
  cpuMicros: number;
}

/** Per tool, kind and server: one sample per round, indexed by round; undefined when the run failed. */
type Results = Map<string, (Sample | undefined)[]>;

const median = (values: number[]): number => {
  const sorted = [...values].sort((a, b) => a - b);
  const mid = sorted.length >> 1;
  return sorted.length % 2 === 1 ? sorted[mid] : (sorted[mid - 1] + sorted[mid]) / 2;
};

async function measureRounds(tools: [string, LoadGenerator][], targets: Target[]): Promise<Results> {
  const results: Results = new Map();
  for (let round = 0; round < ROUNDS; round++) {
    for (const [tool, generate] of tools) {
      for (const kind of ['full', 'revalidate'] as const) {
        for (const { server, etag } of targets) {
          const cpuBefore = server.cpuSeconds();
          const measure = await generate(server.url, SECONDS, kind === 'full' ? {} : { 'if-none-match': etag });
          const cpuSeconds = server.cpuSeconds() - cpuBefore;
          const key = `${tool}|${kind}|${server.name}`;
          const samples = results.get(key) ?? [];
          samples[round] = measure && { ...measure, cpuMicros: (cpuSeconds * 1e6) / measure.requests };
          results.set(key, samples);
          if (process.env.BENCH_SERVE_TRACE !== undefined) process.stderr.write(`${round} ${key} ${JSON.stringify(samples[round])}\n`);
        }
      }
    }
  }
  return results;
}

/** The median of per-round ratios over the rounds both runs completed, with their range: how steady the ratio was. */
function ratio(ours: (Sample | undefined)[], theirs: (Sample | undefined)[] | undefined, of: (s: Sample) => number): string {
  if (theirs === undefined) return 'n/a';
  const ratios = ours.flatMap((m, i) => {
    const other = theirs[i];
    return m === undefined || other === undefined ? [] : [of(m) / of(other)];
  });
  if (ratios.length === 0 || ratios.some((r) => !Number.isFinite(r))) return 'n/a';
  return `${median(ratios).toFixed(2)} (${Math.min(...ratios).toFixed(2)}-${Math.max(...ratios).toFixed(2)})`;
}

const perSecond = (s: Sample) => s.rps;
/** Responses per CPU second: the inverse of CPU per response, so both ratios read "above 1, ours does more". */
const perCpuSecond = (s: Sample) => 1 / s.cpuMicros;

function rows(
  results: Results,
  tool: string,
  kind: Kind,
  servers: readonly string[],
  bodyBytes: number,
): Record<string, string | number>[] {
  const of = (name: string) => results.get(`${tool}|${kind}|${name}`);
  return servers.flatMap((name) => {
    const runs = of(name);
    const samples = runs?.filter((x) => x !== undefined) ?? [];
    if (runs === undefined || samples.length === 0) return [];
    const errors = samples.reduce((sum, x) => sum + x.errors, 0);
    const lost = ROUNDS - samples.length;
    return [
      {
        tool,
        response: kind === 'full' ? `200 (${bodyBytes} B)` : '304',
        server: name,
        'req/s': Math.round(median(samples.map((x) => x.rps))),
        'p99 ms': median(samples.map((x) => x.p99)).toFixed(2),
        'CPU us/resp': median(samples.map((x) => x.cpuMicros)).toFixed(1),
        'vs nginx': ratio(runs, of('nginx'), perSecond),
        'vs nginx by CPU': ratio(runs, of('nginx'), perCpuSecond),
        'vs bare node': ratio(runs, of('bare'), perSecond),
        'vs bare by CPU': ratio(runs, of('bare'), perCpuSecond),
        'errors, lost runs': `${errors}, ${lost}`,
        bar: name !== 'serve' ? '' : kind === 'full' ? 'vs nginx >= 0.70' : 'vs nginx >= 0.60, p99 < 20 ms',
      },
    ];
  });
}

async function targetOf(server: BenchServer): Promise<Target> {
  const response = await fetch(server.url, { headers: IDENTITY });
  await response.arrayBuffer();
  return { server, etag: response.headers.get('etag') ?? '' };
}

async function loadGenerators(placement: Placement): Promise<[string, LoadGenerator][]> {
  const wanted = (process.env.BENCH_SERVE_TOOLS ?? 'autocannon,wrk').split(',');
  const tools: [string, LoadGenerator][] = [];
  if (wanted.includes('autocannon')) tools.push(['autocannon', autocannon(placement)]);
  const wrkGenerator = wanted.includes('wrk') ? await wrk(placement) : undefined;
  if (wrkGenerator !== undefined) tools.push(['wrk', wrkGenerator]);
  return tools;
}

/** Starts every server into `servers` (so the caller stops whatever did start); returns the list's bytes. */
async function startServers(dir: string, placement: Placement, servers: BenchServer[]): Promise<Buffer> {
  const profile = process.env.BENCH_SERVE_PROFILE;
  const serve = await startNodeTarget('serve', placement, ['serve'], profile ? ['--cpu-prof', `--cpu-prof-dir=${profile}`] : []);
  servers.push(serve);
  const baseline = process.env.BENCH_SERVE_BASELINE;
  if (baseline !== undefined) servers.push(await startNodeTarget('serve (baseline)', placement, ['serve'], [], baseline));
  const body = Buffer.from(await (await fetch(serve.url, { headers: IDENTITY })).arrayBuffer());
  const nginx = await startNginx(dir, body, placement);
  if (nginx !== undefined) servers.push(nginx);
  servers.push(await startNodeTarget('bare', placement, ['bare', serve.url]));
  return body;
}

const HANDLER_COST = fileURLToPath(new URL('./serve-handler-cost.js', import.meta.url));

/** bench/serve-handler-cost.js for each build, interleaved by round: nanoseconds per request, medians and ranges. */
async function handlerCosts(builds: [string, string][]): Promise<Record<string, string | number>[]> {
  const costs = new Map<string, number[]>();
  for (let round = 0; round < ROUNDS; round++) {
    for (const [name, root] of builds) {
      for (const kind of ['304', '200']) {
        const { stdout } = await run(benchNode(), [HANDLER_COST, root, kind]);
        costs.set(`${name}|${kind}`, [...(costs.get(`${name}|${kind}`) ?? []), Number(stdout)]);
      }
    }
  }
  return [...costs].map(([key, ns]) => {
    const [build, kind] = key.split('|');
    return { build, response: kind, 'ns/request': Math.round(median(ns)), range: `${Math.min(...ns)}-${Math.max(...ns)}` };
  });
}

export async function benchServe(report: Report): Promise<void> {
  const dir = mkdtempSync(join(tmpdir(), 'apiban-bench-serve-'));
  const placement = await choosePlacement();
  const servers: BenchServer[] = [];
  try {
    const body = await startServers(dir, placement, servers);
    const targets = await Promise.all(servers.map(targetOf));
    const tools = await loadGenerators(placement);
    const results = await measureRounds(tools, targets);
    const names = servers.map((s) => s.name);
    const table = tools.flatMap(([tool]) =>
      (['full', 'revalidate'] as const).flatMap((kind) => rows(results, tool, kind, names, body.length)),
    );
    const placed = placement.pinned ? 'servers on CPU 0, load generator on CPU 1' : 'unpinned';
    const lines = body.toString().split('\n').length - 1;
    report(
      `serve: ${lines}-line list, allowlist + metrics on, ${CONNECTIONS} connections, ${ROUNDS} interleaved rounds of ${SECONDS} s, medians (range of the per-round ratios); ${placed}`,
      table,
    );
  } finally {
    for (const server of servers.reverse()) await server.stop();
    rmSync(dir, { recursive: true, force: true });
  }
  const baseline = process.env.BENCH_SERVE_BASELINE;
  const builds: [string, string][] = [['serve', join(dirname(HANDLER_COST), '..')]];
  if (baseline !== undefined) builds.push(['serve (baseline)', join(dirname(baseline), '..')]);
  report(
    `serve's own work per request: its node:http handler with stand-in request and response objects answering /plain.txt in-process, no sockets, ${ROUNDS} interleaved rounds, medians`,
    await handlerCosts(builds),
  );
}
