/**
 * The load generators of `bench -- serve` and the CPU placement they share with the servers.
 *
 * Placement: on a machine with two CPUs or more (and taskset), every server runs on CPU 0 and the
 * load generator on CPU 1. Unpinned, the generator and the server fight for the same cores and
 * the scheduler decides who wins: on the 2-core development machine the 304 ratio to nginx swung
 * between 0.39x (wrk) and 1.51x (autocannon) from one run to the next. Pinned, each server gets
 * one whole core, which is what nginx's one worker and node's one event loop can use anyway, and
 * node's helper threads (GC, libuv) are charged to the server's own core instead of taking the
 * generator's. BENCH_PIN=0 turns it off.
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
  const pinned = process.env.BENCH_PIN !== '0' && cpus().length >= 2 && (await hasCommand('taskset', ['-c', '0', 'true']));
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
