/**
 * `serve` under load: a 10k-entry list on 127.0.0.1, 32 connections, full 200 responses and 304
 * revalidations (If-None-Match). The same file served by nginx as a static file (when installed)
 * is measured in the same run with the same load generator, for the ratio.
 * Goals (issue 9): 200s at 0.7x and 304s at 0.6x nginx's requests per second, p99 under 20 ms for 304s.
 *
 * autocannon runs as a child process so it does not share serve's event loop; nginx runs with
 * one worker, matching serve's one event loop. wrk, when installed, measures both again.
 */
import { execFile, spawn, type ChildProcess } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { createServer, type AddressInfo } from 'node:net';
import { createRequire } from 'node:module';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { applyPolicy, DEFAULT_POLICY, parseEntries } from '../src/banset/policy.js';
import { configSchema } from '../test/helpers/config-schema.js';
import { silentLogger } from '../src/log.js';
import { ServeDaemon } from '../src/serve/daemon.js';
import type { PublishedSet } from '../src/sync/published-set.js';
import { generateAddresses } from './generate.js';
import type { Report } from './report.js';

const run = promisify(execFile);
const AUTOCANNON = createRequire(import.meta.url).resolve('autocannon/autocannon.js');
const CONNECTIONS = 32;
const SECONDS = 4;

interface Measure {
  rps: number;
  p99: number;
  non2xx: number;
}

async function autocannon(url: string, headers: Record<string, string> = {}): Promise<Measure> {
  const args = [
    AUTOCANNON,
    '-c',
    String(CONNECTIONS),
    '-d',
    String(SECONDS),
    '-j',
    ...Object.entries(headers).flatMap(([k, v]) => ['-H', `${k}=${v}`]),
    url,
  ];
  const { stdout } = await run(process.execPath, args, { maxBuffer: 16 * 1024 * 1024 });
  const result = JSON.parse(stdout) as { requests: { average: number }; latency: { p99: number }; non2xx: number };
  return { rps: Math.round(result.requests.average), p99: result.latency.p99, non2xx: result.non2xx };
}

/** wrk's --latency table gives p99; its own summary gives requests/sec. */
async function wrk(url: string, headers: Record<string, string> = {}): Promise<Measure | undefined> {
  const args = [
    '-t',
    '2',
    '-c',
    String(CONNECTIONS),
    '-d',
    `${SECONDS}s`,
    '--latency',
    ...Object.entries(headers).flatMap(([k, v]) => ['-H', `${k}: ${v}`]),
    url,
  ];
  const out = await run('wrk', args).then(
    (r) => r.stdout,
    () => undefined,
  );
  const rps = out && /Requests\/sec:\s+([\d.]+)/.exec(out);
  const p99 = out && /99%\s+([\d.]+)(us|ms|s)/.exec(out);
  if (!rps || !p99) return undefined;
  const scale = { us: 0.001, ms: 1, s: 1000 }[p99[2] as 'us' | 'ms' | 's'];
  return { rps: Math.round(Number(rps[1])), p99: Number(p99[1]) * scale, non2xx: 0 };
}

async function freePort(): Promise<number> {
  const server = createServer();
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  await new Promise((resolve) => server.close(resolve));
  return port;
}

async function startNginx(dir: string, body: string): Promise<{ url: string; stop(): Promise<void> } | undefined> {
  if (
    !(await run('nginx', ['-v']).then(
      () => true,
      () => false,
    ))
  )
    return undefined;
  const port = await freePort();
  writeFileSync(join(dir, 'plain.txt'), body);
  writeFileSync(
    join(dir, 'nginx.conf'),
    [
      'user root;',
      'worker_processes 1;',
      'daemon off;',
      `pid ${dir}/nginx.pid;`,
      `error_log ${dir}/error.log;`,
      'events { worker_connections 1024; }',
      `http { access_log off; default_type text/plain; client_body_temp_path ${dir}; proxy_temp_path ${dir}; fastcgi_temp_path ${dir}; uwsgi_temp_path ${dir}; scgi_temp_path ${dir};`,
      `  server { listen 127.0.0.1:${port}; root ${dir}; } }`,
    ].join('\n'),
  );
  const child: ChildProcess = spawn('nginx', ['-c', join(dir, 'nginx.conf'), '-p', dir], { stdio: 'ignore' });
  const url = `http://127.0.0.1:${port}/plain.txt`;
  for (
    let i = 0;
    i < 50 &&
    !(await fetch(url).then(
      (r) => r.ok,
      () => false,
    ));
    i++
  )
    await new Promise((r) => setTimeout(r, 100));
  return {
    url,
    stop: () =>
      new Promise<void>((resolve) => {
        child.once('exit', () => resolve());
        child.kill('SIGQUIT');
      }),
  };
}

async function startServe(): Promise<{ daemon: ServeDaemon; url: string; size: number }> {
  const { bans, report } = applyPolicy(parseEntries(generateAddresses(10_000), 'bench'), DEFAULT_POLICY);
  const set: PublishedSet = { bans, report, syncedAt: new Date(), source: 'apiban' };
  const runner = {
    sync: async () => ({ ok: true, full: false, requests: 0, size: bans.size, durationMs: 0, changed: false, published: set }),
    current: () => set,
    close: async () => undefined,
  };
  const loaded = { config: configSchema.parse({}), source: 'bench', stateDir: tmpdir() };
  const daemon = await ServeDaemon.start({ loaded, log: silentLogger, createRunner: async () => runner, listen: '127.0.0.1:0' });
  await daemon.syncNow();
  return { daemon, url: `http://127.0.0.1:${daemon.address.port}/plain.txt`, size: bans.size };
}

async function measureBoth(
  tool: string,
  measure: (url: string, headers?: Record<string, string>) => Promise<Measure | undefined>,
  url: string,
  etag: string,
) {
  return { tool, full: await measure(url), revalidate: await measure(url, { 'if-none-match': etag }) };
}

export async function benchServe(report: Report): Promise<void> {
  const dir = mkdtempSync(join(tmpdir(), 'apiban-bench-serve-'));
  const serve = await startServe();
  const response = await fetch(serve.url);
  const body = await response.text();
  const etag = response.headers.get('etag') as string;
  const nginx = await startNginx(dir, body);
  const nginxEtag = nginx && ((await fetch(nginx.url)).headers.get('etag') as string);
  const rows: Record<string, string | number>[] = [];
  try {
    for (const [tool, measure] of [
      ['autocannon', autocannon],
      ['wrk', wrk],
    ] as const) {
      const ours = await measureBoth(tool, measure, serve.url, etag);
      const theirs = nginx && (await measureBoth(tool, measure, nginx.url, nginxEtag as string));
      for (const kind of ['full', 'revalidate'] as const) {
        const a = ours[kind];
        const b = theirs?.[kind];
        if (a === undefined) continue;
        rows.push({
          tool,
          response: kind === 'full' ? `200 (${body.length} B)` : '304',
          'serve req/s': a.rps,
          'serve p99 ms': a.p99,
          'nginx req/s': b?.rps ?? 'n/a',
          'nginx p99 ms': b?.p99 ?? 'n/a',
          ratio: b ? (a.rps / b.rps).toFixed(2) : 'n/a',
          bar: kind === 'full' ? 'ratio >= 0.70' : 'ratio >= 0.60, p99 < 20 ms',
        });
      }
    }
  } finally {
    await nginx?.stop();
    await serve.daemon.shutdown();
    rmSync(dir, { recursive: true, force: true });
  }
  report(`serve: ${serve.size}-entry list, ${CONNECTIONS} connections, ${SECONDS} s per run`, rows);
}
