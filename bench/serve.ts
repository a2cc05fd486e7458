/**
 * `serve` under load: a 10k-entry list on 127.0.0.1, 32 connections, full 200 responses and 304
 * revalidations (If-None-Match), with an address allowlist and metrics on. Goals (issue 9): 200s
 * at 0.7x and 304s at 0.6x nginx's requests per second, p99 under 20 ms for 304s.
 *
 * Three servers answer the same bytes: serve, nginx with one worker (matching serve's one event
 * loop) and a bare node:http handler with precomputed headers, the floor any Node server starts
 * from (bench/serve-target.ts). Each runs in its own process on the server CPU, the load generator
 * on the other (placement and why: bench/serve-load.ts). Rounds are interleaved (serve, nginx,
 * bare, serve, ...) and the ratios are the medians of each round's ratio, so a machine that gets
 * busier during the run shifts all three together instead of deciding the ratio.
 *
 * Requests per second depend on how much of its CPU each server was given, which other work on
 * the machine decides; the CPU time each server spent per response (from /proc) does not, so the
 * table shows both, and the "by CPU" ratios are the steadier ones on a busy machine.
 *
 * BENCH_SERVE_ROUNDS (default 5) and BENCH_SERVE_SECONDS (default 3) size the run;
 * BENCH_SERVE_TOOLS=wrk (or autocannon) runs one load generator; BENCH_SERVE_PROFILE=<dir> writes
 * a CPU profile of the serve process there (node --cpu-prof); BENCH_SERVE_BASELINE=<path of
 * another build's dist/bench/serve-target.js> adds that build's serve to the same interleaved
 * rounds, for before/after figures from one run.
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { Report } from './report.js';
import { autocannon, choosePlacement, CONNECTIONS, type LoadGenerator, type Measure, type Placement, wrk } from './serve-load.js';
import { type BenchServer, startNginx, startNodeTarget } from './serve-servers.js';

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

/** Per tool, kind and server: one sample per round, in round order. */
type Results = Map<string, Sample[]>;

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
          if (measure === undefined) continue;
          const cpuMicros = ((server.cpuSeconds() - cpuBefore) * 1e6) / measure.requests;
          const key = `${tool}|${kind}|${server.name}`;
          results.set(key, [...(results.get(key) ?? []), { ...measure, cpuMicros }]);
        }
      }
    }
  }
  return results;
}

/** The median of per-round ratios, with their range: how steady the ratio was across rounds. */
function ratio(ours: Sample[], theirs: Sample[] | undefined, of: (s: Sample) => number): string {
  if (theirs === undefined || ours.length !== theirs.length) return 'n/a';
  const ratios = ours.map((m, i) => of(m) / of(theirs[i]));
  if (ratios.some((r) => !Number.isFinite(r))) return 'n/a';
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
    const samples = of(name);
    if (samples === undefined) return [];
    return [
      {
        tool,
        response: kind === 'full' ? `200 (${bodyBytes} B)` : '304',
        server: name,
        'req/s': Math.round(median(samples.map((x) => x.rps))),
        'p99 ms': median(samples.map((x) => x.p99)).toFixed(2),
        'CPU us/resp': median(samples.map((x) => x.cpuMicros)).toFixed(1),
        'vs nginx': ratio(samples, of('nginx'), perSecond),
        'vs nginx by CPU': ratio(samples, of('nginx'), perCpuSecond),
        'vs bare node': ratio(samples, of('bare'), perSecond),
        'vs bare by CPU': ratio(samples, of('bare'), perCpuSecond),
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
}
