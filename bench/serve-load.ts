/**
 * The load generators of `bench -- serve` and the CPU placement they share with the servers.
 *
 * Placement: unpinned by default; BENCH_PIN=1 (with taskset and two CPUs or more) runs every
 * server on CPU 0 and the load generator on CPU 1. Pinning was tried on the 2-core development
 * machine and not kept: one core is not enough for the generator. Pinned, wrk with one thread
 * drove nginx's 304s to 14,176 req/s at 24 us of CPU each, a third of nginx's core, so the ratio
 * measured wrk, not nginx; and the rounds were no steadier (serve/nginx for 304s ranged
 * 0.23-0.73 pinned, 0.52-0.62 unpinned in runs minutes apart, load average 5-8 both times).
 * Unpinned, wrk runs two threads and every server shares both cores with it, as in the figures
 * issue 9 started from; interleaved rounds and per-round ratios absorb the drift instead.
 */
import { execFile } from 'node:child_process';
import { createRequire } from 'node:module';
import { cpus } from 'node:os';
import { promisify } from 'node:util';

const run = promisify(execFile);
const AUTOCANNON = createRequire(import.meta.url).resolve('autocannon/autocannon.js');

export const CONNECTIONS = 32;

export interface Measure {
  rps: number;
  /** milliseconds */
  p99: number;
  /** responses completed in the run */
  requests: number;
  /** socket errors and timeouts (and, for wrk, responses other than 2xx or 3xx) */
  errors: number;
}

export type LoadGenerator = (url: string, seconds: number, headers: Record<string, string>) => Promise<Measure | undefined>;

export interface Placement {
  /** Prefixes a server's command with its CPU; the identity when unpinned. */
  server(command: string, args: string[]): [string, string[]];
  generator(command: string, args: string[]): [string, string[]];
  readonly pinned: boolean;
}

async function hasCommand(command: string, args: string[]): Promise<boolean> {
  return run(command, args).then(
    () => true,
    () => false,
  );
}

export async function choosePlacement(): Promise<Placement> {
  const pinned = process.env.BENCH_PIN === '1' && cpus().length >= 2 && (await hasCommand('taskset', ['-c', '0', 'true']));
  const on =
    (cpu: string) =>
    (command: string, args: string[]): [string, string[]] =>
      pinned ? ['taskset', ['-c', cpu, command, ...args]] : [command, args];
  return { server: on('0'), generator: on('1'), pinned };
}

export function autocannon(placement: Placement): LoadGenerator {
  return async (url, seconds, headers) => {
    const [command, args] = placement.generator(process.execPath, [
      AUTOCANNON,
      ...['-c', String(CONNECTIONS), '-d', String(seconds), '-j'],
      ...Object.entries(headers).flatMap(([k, v]) => ['-H', `${k}=${v}`]),
      url,
    ]);
    const { stdout } = await run(command, args, { maxBuffer: 16 * 1024 * 1024 });
    const result = JSON.parse(stdout) as {
      requests: { average: number; total: number };
      latency: { p99: number };
      errors: number;
      timeouts: number;
    };
    const { requests, latency } = result;
    return { rps: Math.round(requests.average), p99: latency.p99, requests: requests.total, errors: result.errors + result.timeouts };
  };
}

/** wrk's --latency table gives p99; its summary gives requests/sec. One thread per CPU it may use. */
export async function wrk(placement: Placement): Promise<LoadGenerator | undefined> {
  // `wrk -v` exits 1 after printing its version, so look it up on PATH instead.
  if (!(await hasCommand('sh', ['-c', 'command -v wrk']))) return undefined;
  const threads = placement.pinned ? '1' : '2';
  return async (url, seconds, headers) => {
    const [command, args] = placement.generator('wrk', [
      ...['-t', threads, '-c', String(CONNECTIONS), '-d', `${seconds}s`, '--latency'],
      ...Object.entries(headers).flatMap(([k, v]) => ['-H', `${k}: ${v}`]),
      url,
    ]);
    const out = await run(command, args).then(
      (r) => r.stdout,
      () => undefined,
    );
    const rps = out && /Requests\/sec:\s+([\d.]+)/.exec(out);
    const p99 = out && /99%\s+([\d.]+)(us|ms|s)/.exec(out);
    const total = out && /(\d+) requests in/.exec(out);
    if (!rps || !p99 || !total) return undefined;
    const scale = { us: 0.001, ms: 1, s: 1000 }[p99[2] as 'us' | 'ms' | 's'];
    const socketErrors = /Socket errors: connect (\d+), read (\d+), write (\d+), timeout (\d+)/.exec(out)?.slice(1) ?? [];
    const badStatus = /Non-2xx or 3xx responses: (\d+)/.exec(out)?.[1] ?? '0';
    const errors = [...socketErrors, badStatus].reduce((sum, n) => sum + Number(n), 0);
    return { rps: Math.round(Number(rps[1])), p99: Number(p99[1]) * scale, requests: Number(total[1]), errors };
  };
}
