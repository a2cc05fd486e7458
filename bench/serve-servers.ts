/**
 * The three servers `bench -- serve` compares, each a child process placed on the server CPU:
 * serve itself, nginx with one worker serving the same bytes as a static file, and a bare
 * node:http handler (bench/serve-target.ts), what any node:http server costs.
 */
import { execFile, spawn, type ChildProcess } from 'node:child_process';
import { readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { createInterface } from 'node:readline';
import { fileURLToPath } from 'node:url';
import { promisify } from 'node:util';
import { freePort } from '../test/helpers/listen.js';
import { benchNode } from './node-under-test.js';
import type { Placement } from './serve-load.js';

const run = promisify(execFile);
const TARGET = fileURLToPath(new URL('./serve-target.js', import.meta.url));

export interface BenchServer {
  readonly name: string;
  readonly url: string;
  /** CPU seconds the server has used so far (all its threads and child processes); NaN without /proc. */
  cpuSeconds(): number;
  stop(): Promise<void>;
}

const TICKS_PER_SECOND = 100;

/**
 * Linux's /proc/<pid>/stat utime + stime (fields 14 and 15, in clock ticks of 1/100 s: USER_HZ),
 * summed over the process and its children (nginx's worker is the master's child). CPU time per
 * request does not depend on how much of the CPU the server was given, so it stays comparable on
 * a machine other work is using, where requests per second do not.
 */
export function processCpuSeconds(pid: number | undefined): number {
  if (pid === undefined) return Number.NaN;
  try {
    const fields = readFileSync(`/proc/${pid}/stat`, 'utf8').split(') ')[1].split(' ');
    let ticks = Number(fields[11]) + Number(fields[12]);
    for (const task of readdirSync(`/proc/${pid}/task`)) {
      const children = readFileSync(`/proc/${pid}/task/${task}/children`, 'utf8').trim();
      for (const child of children === '' ? [] : children.split(' ')) ticks += processCpuSeconds(Number(child)) * TICKS_PER_SECOND;
    }
    return ticks / TICKS_PER_SECOND;
  } catch {
    return Number.NaN;
  }
}

function stopper(child: ChildProcess, signal: NodeJS.Signals): () => Promise<void> {
  return () =>
    new Promise<void>((resolve) => {
      if (child.exitCode !== null || child.signalCode !== null) return resolve();
      child.once('exit', () => resolve());
      child.kill(signal);
    });
}

/** Starts bench/serve-target.js (`serve`, or `bare <url>`), or another build's, and waits for the URL it prints. */
export async function startNodeTarget(
  name: string,
  placement: Placement,
  args: string[],
  nodeArgs: string[] = [],
  target = TARGET,
): Promise<BenchServer> {
  const [command, argv] = placement.server(benchNode(), [...nodeArgs, target, ...args]);
  const child = spawn(command, argv, { stdio: ['ignore', 'pipe', 'inherit'] });
  const lines = createInterface({ input: child.stdout as NodeJS.ReadableStream });
  const url = await new Promise<string>((resolve, reject) => {
    lines.once('line', resolve);
    child.once('exit', (code) => reject(new Error(`bench ${name} server exited (${code}) before listening`)));
  });
  return { name, url, cpuSeconds: () => processCpuSeconds(child.pid), stop: stopper(child, 'SIGINT') };
}

function nginxConfig(dir: string, port: number): string {
  return [
    'user root;',
    'worker_processes 1;',
    'daemon off;',
    `pid ${dir}/nginx.pid;`,
    `error_log ${dir}/error.log;`,
    'events { worker_connections 1024; }',
    `http { access_log off; default_type text/plain; client_body_temp_path ${dir}; proxy_temp_path ${dir}; fastcgi_temp_path ${dir}; uwsgi_temp_path ${dir}; scgi_temp_path ${dir};`,
    `  server { listen 127.0.0.1:${port}; root ${dir}; } }`,
  ].join('\n');
}

async function answers(url: string): Promise<boolean> {
  for (let i = 0; i < 50; i++) {
    if (
      await fetch(url).then(
        (r) => r.ok,
        () => false,
      )
    )
      return true;
    await new Promise((r) => setTimeout(r, 100));
  }
  return false;
}

/** nginx with one worker serving `body` as a static file; undefined when nginx is not installed. */
export async function startNginx(dir: string, body: Buffer, placement: Placement): Promise<BenchServer | undefined> {
  const installed = await run('nginx', ['-v']).then(
    () => true,
    () => false,
  );
  if (!installed) return undefined;
  const port = await freePort();
  writeFileSync(join(dir, 'plain.txt'), body);
  writeFileSync(join(dir, 'nginx.conf'), nginxConfig(dir, port));
  const [command, argv] = placement.server('nginx', ['-c', join(dir, 'nginx.conf'), '-p', dir]);
  const child = spawn(command, argv, { stdio: 'ignore' });
  const url = `http://127.0.0.1:${port}/plain.txt`;
  const server = { name: 'nginx', url, cpuSeconds: () => processCpuSeconds(child.pid), stop: stopper(child, 'SIGQUIT') };
  if (await answers(url)) return server;
  await server.stop();
  return undefined;
}
