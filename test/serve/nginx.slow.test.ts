/**
 * contrib/nginx.conf in front of the real `serve`, through a real nginx (Debian's nginx-light)
 * started with its own prefix, pid, logs, temp and cache paths in a temporary directory, both on
 * 127.0.0.1 ports the system picked. Polls through nginx as a firewall does.
 */
import { expect } from 'chai';
import { execFileSync, spawn, type ChildProcess } from 'node:child_process';
import { mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { freePort } from '../helpers/listen.js';
import { REPO_ROOT } from '../helpers/paths.js';
import { startServe, waitFor, type ServeProcess } from '../helpers/serve-process.js';
import { skipWhen } from '../helpers/skip.js';
import { basicAuth } from './support.js';

const BEARER = 'Bearer nginx-test-token';
const BASIC = basicAuth('firewall', 'nginx-test-password');

function nginxMissing(): string | undefined {
  try {
    execFileSync('nginx', ['-v'], { stdio: 'ignore' });
    return undefined;
  } catch {
    return 'nginx is not installed (Debian: nginx-light)';
  }
}

/** contrib/nginx.conf with its ports, cache path and freshness changed for the test; each must be found. */
function contribConfig(dir: string, port: number, upstream: number): string {
  let text = readFileSync(join(REPO_ROOT, 'contrib', 'nginx.conf'), 'utf8');
  const replace = (from: string, to: string) => {
    expect(text, `contrib/nginx.conf no longer has ${from}`).to.include(from);
    text = text.replace(from, to);
  };
  replace('listen 8081;', `listen 127.0.0.1:${port};`);
  replace('server 127.0.0.1:8080;', `server 127.0.0.1:${upstream};`);
  replace('/var/cache/nginx/apiban-exporter', join(dir, 'cache'));
  // Fresh for 1 s instead of 5, well under the test's 3 s sync interval.
  replace('proxy_cache_valid 200 5s;', 'proxy_cache_valid 200 1s;');
  return text;
}

function mainConfig(dir: string): string {
  const temp = join(dir, 'temp');
  return [
    // As root, nginx's workers would switch to nobody, who cannot write the test's directories.
    process.getuid?.() === 0 ? 'user root;' : '',
    'worker_processes 1;',
    'daemon off;',
    `pid ${join(dir, 'nginx.pid')};`,
    `error_log ${join(dir, 'error.log')};`,
    'events { worker_connections 64; }',
    'http {',
    '  access_log off;',
    ...['client_body', 'proxy', 'fastcgi', 'uwsgi', 'scgi'].map((kind) => `  ${kind}_temp_path ${temp};`),
    `  include ${join(dir, 'apiban-exporter.conf')};`,
    '}',
  ].join('\n');
}

interface Answer {
  status: number;
  body: string;
  etag: string | null;
  cache: string | null;
}

async function get(url: string, headers: Record<string, string> = {}): Promise<Answer> {
  const response = await fetch(url, { headers: { 'accept-encoding': 'identity', ...headers } });
  return {
    status: response.status,
    body: await response.text(),
    etag: response.headers.get('etag'),
    cache: response.headers.get('x-cache-status'),
  };
}

describe('contrib/nginx.conf: a caching nginx in front of serve', function () {
  this.timeout(60_000);
  let dir: string;
  let serve: ServeProcess | undefined;
  let nginx: ChildProcess | undefined;
  let direct: string;
  let proxied: string;

  before(async function () {
    skipWhen(this, nginxMissing());
    dir = mkdtempSync(join(tmpdir(), 'apiban-nginx-'));
    mkdirSync(join(dir, 'temp'));
    writeFileSync(join(dir, 'list.txt'), '192.0.2.1\n198.51.100.7\n');
    const config = {
      sources: [{ name: 'local', file: join(dir, 'list.txt') }],
      state: { dir: join(dir, 'state') },
      sync: { interval: '3s' },
      apiban: { budget: { requests: 1000, window: '1m' } },
      serve: { access: { bearer: { token: 'nginx-test-token' }, basic: { username: 'firewall', password: 'nginx-test-password' } } },
    };
    writeFileSync(join(dir, 'config.json'), JSON.stringify(config));
    serve = await startServe(join(dir, 'config.json'));
    direct = `http://127.0.0.1:${serve.port}/plain.txt`;
    await waitFor(async () => (await get(direct, { authorization: BEARER })).status === 200, 'the first sync');
    const port = await freePort();
    writeFileSync(join(dir, 'apiban-exporter.conf'), contribConfig(dir, port, serve.port));
    writeFileSync(join(dir, 'nginx.conf'), mainConfig(dir));
    nginx = spawn('nginx', ['-p', dir, '-c', join(dir, 'nginx.conf'), '-e', join(dir, 'error.log')], { stdio: 'ignore' });
    proxied = `http://127.0.0.1:${port}/plain.txt`;
    await waitFor(async () => (await get(proxied).catch(() => undefined)) !== undefined, `nginx to answer (${join(dir, 'error.log')})`);
  });

  after(async () => {
    if (nginx !== undefined && nginx.exitCode === null) {
      const exited = new Promise((resolve) => nginx?.once('exit', resolve));
      nginx.kill('SIGQUIT');
      await exited;
    }
    serve?.child.kill('SIGTERM');
    await serve?.exited;
    if (dir !== undefined) rmSync(dir, { recursive: true, force: true });
  });

  it('answers 200 and 304 by ETag for a credential serve accepts, and 401 without one after caching it', async () => {
    const origin = await get(direct, { authorization: BEARER });
    const first = await get(proxied, { authorization: BEARER });
    expect(first).to.include({ status: 200, body: origin.body, etag: origin.etag });
    expect(first.body).to.include('192.0.2.1\n198.51.100.7\n');
    expect((await get(proxied, { authorization: BEARER })).cache).to.equal('HIT');
    const revalidated = await get(proxied, { authorization: BEARER, 'if-none-match': origin.etag as string });
    expect(revalidated).to.include({ status: 304, body: '' });

    // The cached answer is never given to a request without the credential it was stored for.
    const anonymous = await get(proxied);
    expect(anonymous.status).to.equal(401);
    expect(anonymous.body).not.to.include('192.0.2.1');
    // A wrong credential is refused by serve (403) and gets nothing from the cache either.
    expect((await get(proxied, { authorization: 'Bearer wrong-token' })).status).to.equal(403);
    // Another credential serve accepts gets its own copy, fetched from serve.
    const basic = await get(proxied, { authorization: BASIC });
    expect(basic).to.include({ status: 200, cache: 'MISS', body: origin.body });
  });

  it('revalidates a stale copy with serve by its ETag', async () => {
    await get(proxied, { authorization: BEARER });
    // Past the copy's second of freshness, nginx asks serve with If-None-Match and keeps its copy on the 304.
    await waitFor(async () => (await get(proxied, { authorization: BEARER })).cache === 'REVALIDATED', 'a revalidated copy');
  });

  it('gives the firewalls a changed list before serve has synced again', async () => {
    const before = await get(proxied, { authorization: BEARER });
    writeFileSync(join(dir, 'list.txt'), '192.0.2.1\n198.51.100.7\n203.0.113.9\n');
    await waitFor(async () => (await get(direct, { authorization: BEARER })).etag !== before.etag, 'serve to publish the change');
    const syncsDone = () => (serve?.stderr().match(/"sync done"/g) ?? []).length;
    const publishedAt = syncsDone();
    await waitFor(async () => (await get(proxied, { authorization: BEARER })).body.includes('203.0.113.9'), 'nginx to pass the change on');
    expect(syncsDone() - publishedAt).to.be.at.most(1);
  });
});
