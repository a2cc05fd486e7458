import { LoopRecord } from '../../src/runtime/loop-record.js';
import { expect } from 'chai';
import { createHash } from 'node:crypto';
import { createServer } from 'node:http';
import { gunzipSync } from 'node:zlib';
import { BanSet } from '../../src/banset/banset.js';
import type { Runtime } from '../../src/runtime/runtime.js';
import { silentLogger } from '../../src/log.js';
import { createRequestHandler, parseQuery } from '../../src/serve/handler.js';
import { ServeMetrics } from '../../src/serve/http/metrics.js';
import { resolveSite } from '../../src/serve/site.js';
import { ServedState } from '../../src/serve/served-state.js';
import { renderOutput } from '../../src/writers/render.js';
import { getTarget } from '../helpers/registries.js';
import { closeServer, listenOnLoopback } from '../helpers/listen.js';
import { bansOf, fetchRaw, ScriptedRunner, servedSet, startTestDaemon, testConfig } from './support.js';
import { present } from '../helpers/present.js';

const SET = bansOf('192.0.2.10', '198.51.100.0/24', '192.0.2.11', '2001:db8::1', '203.0.113.7');

function expected(target: string, bans: BanSet, shape = {}): string {
  const writer = present(getTarget(target), `the ${target} target`);
  return renderOutput(writer, bans, writer.options.parse({}), shape);
}

describe('serve: routes and caching', () => {
  let runner: ScriptedRunner;
  let daemon: Runtime;
  let base: string;

  beforeEach(async () => {
    runner = new ScriptedRunner(SET);
    ({ daemon, base } = await startTestDaemon(runner));
    await daemon.syncNow();
  });
  afterEach(async () => {
    await daemon.shutdown();
  });

  it("serves the three default outputs with the writers' exact bytes", async () => {
    for (const target of ['plain', 'pfsense', 'opnsense']) {
      const res = await fetchRaw(`${base}/${target}.txt`);
      expect(res.status, target).to.equal(200);
      expect(res.body.toString('utf8')).to.equal(expected(target, SET));
      expect(res.headers['content-type']).to.equal(present(getTarget(target), `the ${target} target`).http.contentType);
    }
  });

  it('sends a strong ETag that is the SHA-256 of the body, and 304 for If-None-Match', async () => {
    const first = await fetchRaw(`${base}/plain.txt`);
    const hash = createHash('sha256').update(first.body).digest('base64url');
    expect(first.headers.etag).to.equal(`"${hash}"`);
    const again = await fetchRaw(`${base}/plain.txt`, { headers: { 'if-none-match': first.headers.etag as string } });
    expect(again.status).to.equal(304);
    expect(again.body.length).to.equal(0);
    const other = await fetchRaw(`${base}/plain.txt`, { headers: { 'if-none-match': '"something-else"' } });
    expect(other.status).to.equal(200);
  });

  it('answers If-Modified-Since from Last-Modified', async () => {
    const first = await fetchRaw(`${base}/pfsense.txt`);
    const lastModified = first.headers['last-modified'] as string;
    expect(Date.parse(lastModified)).to.be.a('number').and.not.NaN;
    expect((await fetchRaw(`${base}/pfsense.txt`, { headers: { 'if-modified-since': lastModified } })).status).to.equal(304);
    const earlier = new Date(Date.parse(lastModified) - 1000).toUTCString();
    expect((await fetchRaw(`${base}/pfsense.txt`, { headers: { 'if-modified-since': earlier } })).status).to.equal(200);
  });

  it('sends the same header set on every 200 and 304, per representation (headers prepared once per resource)', async () => {
    const names = (headers: Record<string, unknown>) =>
      Object.keys(headers)
        .filter((h) => !['date', 'connection', 'keep-alive'].includes(h))
        .sort();
    for (let round = 0; round < 2; round++) {
      const identity = await fetchRaw(`${base}/plain.txt`);
      expect(names(identity.headers)).to.deep.equal([
        'cache-control',
        'content-length',
        'content-type',
        'etag',
        'last-modified',
        'vary',
        'x-content-type-options',
      ]);
      expect(identity.headers).to.include({ 'cache-control': 'no-cache', vary: 'Accept-Encoding', 'x-content-type-options': 'nosniff' });
      const gzip = await fetchRaw(`${base}/plain.txt`, { headers: { 'accept-encoding': 'gzip' } });
      expect(gzip.headers).to.include({ 'content-encoding': 'gzip', etag: (identity.headers.etag as string).replace(/"$/, '-gzip"') });
      expect(gzip.headers['content-length']).to.equal(String(gzip.body.length));
      const notModified = await fetchRaw(`${base}/plain.txt`, {
        headers: { 'accept-encoding': 'gzip', 'if-none-match': identity.headers.etag as string },
      });
      expect(notModified.status).to.equal(304);
      expect(names(notModified.headers)).to.deep.equal(['cache-control', 'etag', 'last-modified', 'vary']);
      expect(notModified.headers.etag).to.equal(gzip.headers.etag);
    }
  });

  it('answers HEAD with the headers of GET and no body', async () => {
    const get = await fetchRaw(`${base}/plain.txt`);
    const head = await fetchRaw(`${base}/plain.txt`, { method: 'HEAD' });
    expect(head.status).to.equal(200);
    expect(head.body.length).to.equal(0);
    expect(head.headers.etag).to.equal(get.headers.etag);
    expect(head.headers['content-length']).to.equal(String(get.body.length));
  });

  it('gzips only when asked, and never for a client that refuses it', async () => {
    const plain = await fetchRaw(`${base}/plain.txt`);
    expect(plain.headers['content-encoding']).to.equal(undefined);
    const zipped = await fetchRaw(`${base}/plain.txt`, { headers: { 'accept-encoding': 'br, gzip' } });
    expect(zipped.headers['content-encoding']).to.equal('gzip');
    expect(zipped.headers.vary).to.equal('Accept-Encoding');
    expect(gunzipSync(zipped.body).equals(plain.body)).to.equal(true);
    expect(zipped.headers.etag).to.not.equal(plain.headers.etag);
    const refused = await fetchRaw(`${base}/plain.txt`, { headers: { 'accept-encoding': 'gzip;q=0, identity' } });
    expect(refused.headers['content-encoding']).to.equal(undefined);
    const revalidated = await fetchRaw(`${base}/plain.txt`, {
      headers: { 'accept-encoding': 'gzip', 'if-none-match': zipped.headers.etag as string },
    });
    expect(revalidated.status).to.equal(304);
  });

  it('serves ?ipv4only, ?ipv6only and ?aggregate variants and rejects both families at once', async () => {
    const v4 = await fetchRaw(`${base}/plain.txt?ipv4only`);
    expect(v4.body.toString()).to.equal(expected('plain', SET.only('v4'), { families: 'v4' }));
    const v6 = await fetchRaw(`${base}/plain.txt?ipv6only`);
    expect(v6.body.toString()).to.equal(expected('plain', SET.only('v6'), { families: 'v6' }));
    const aggregated = await fetchRaw(`${base}/plain.txt?aggregate`);
    expect(aggregated.body.toString()).to.equal(expected('plain', SET, { aggregate: true }));
    expect(aggregated.body.toString()).to.contain('192.0.2.10/31');
    expect((await fetchRaw(`${base}/plain.txt?ipv4only&ipv6only`)).status).to.equal(400);
  });

  it('builds each query variant once per set version, never per request', async () => {
    const snapshot = present(present(daemon.serving, 'the HTTP side').state.view.snapshot, 'a snapshot');
    const output = present(daemon.serving, 'the HTTP side').state.view.site.outputs[0];
    const first = snapshot.variant(output, { families: 'v4' });
    const second = snapshot.variant(output, { families: 'v4' });
    expect(second).to.equal(first);
    const a = await fetchRaw(`${base}/plain.txt?ipv4only`);
    const b = await fetchRaw(`${base}/plain.txt?ipv4only`);
    expect(a.headers.etag).to.equal(b.headers.etag);
    expect(snapshot.variant(output, { families: 'v4' })).to.not.be.instanceOf(Promise);
  });

  it('swaps to new bytes and a new ETag when the set changes, keeps them when it does not', async () => {
    const before = await fetchRaw(`${base}/plain.txt`);
    await daemon.syncNow();
    expect((await fetchRaw(`${base}/plain.txt`)).headers.etag).to.equal(before.headers.etag);
    runner.next = bansOf('192.0.2.10', '203.0.113.99');
    await daemon.syncNow();
    const after = await fetchRaw(`${base}/plain.txt`);
    expect(after.headers.etag).to.not.equal(before.headers.etag);
    expect(after.body.toString()).to.equal(expected('plain', runner.next));
  });

  it('serves an empty list as 200 with the header comment', async () => {
    runner.next = BanSet.EMPTY;
    await daemon.syncNow();
    const res = await fetchRaw(`${base}/pfsense.txt`);
    expect(res.status).to.equal(200);
    expect(res.body.toString()).to.match(/^# .*entries=0/);
  });

  it('keeps the last good set when a sync fails, and shows the failure on /healthz', async () => {
    const before = await fetchRaw(`${base}/plain.txt`);
    runner.failing = true;
    await daemon.syncNow();
    const after = await fetchRaw(`${base}/plain.txt`);
    expect(after.status).to.equal(200);
    expect(after.body.equals(before.body)).to.equal(true);
    const health = await fetchRaw(`${base}/healthz`);
    const report = JSON.parse(health.body.toString());
    expect(health.status).to.equal(200);
    expect(report.lastSync.ok).to.equal(false);
    expect(report.lastSync.error).to.contain('503');
    expect(report.set.size).to.equal(SET.size);
  });

  it('answers 404 for unknown paths and 405 for other methods', async () => {
    expect((await fetchRaw(`${base}/nope.txt`)).status).to.equal(404);
    const post = await fetchRaw(`${base}/plain.txt`, { method: 'POST', body: 'x' });
    expect(post.status).to.equal(405);
    expect(post.headers.allow).to.equal('GET, HEAD');
  });

  it('exposes Prometheus metrics for syncs, set size, requests and 304s per output', async () => {
    const first = await fetchRaw(`${base}/plain.txt`);
    await fetchRaw(`${base}/plain.txt`, { headers: { 'if-none-match': first.headers.etag as string } });
    const text = (await fetchRaw(`${base}/metrics`)).body.toString();
    expect(text).to.match(/apiban_exporter_syncs_total\{result="ok"\} [1-9]/);
    expect(text).to.contain(`apiban_exporter_bans{family="v4"} ${SET.counts().v4}`);
    expect(text).to.match(/apiban_exporter_http_requests_total\{output="plain",code="304"\} 1/);
    expect(text).to.match(/apiban_exporter_http_requests_total\{output="plain",code="200"\} 1/);
    expect(text).to.contain(`apiban_exporter_http_response_bytes_total{output="plain"} ${first.body.length}`);
  });
});

describe('serve: before the first successful sync', () => {
  it('answers 503 with Retry-After on outputs and /healthz, then 200 once a sync succeeds', async () => {
    const runner = new ScriptedRunner(undefined);
    const { daemon, base } = await startTestDaemon(runner, { serve: { retryAfter: '7s' } });
    try {
      await daemon.syncNow();
      const res = await fetchRaw(`${base}/plain.txt`);
      expect(res.status).to.equal(503);
      expect(res.headers['retry-after']).to.equal('7');
      const health = await fetchRaw(`${base}/healthz`);
      expect(health.status).to.equal(503);
      expect(JSON.parse(health.body.toString()).status).to.equal('starting');
      runner.next = SET;
      await daemon.syncNow();
      expect((await fetchRaw(`${base}/plain.txt`)).status).to.equal(200);
      expect((await fetchRaw(`${base}/healthz`)).status).to.equal(200);
    } finally {
      await daemon.shutdown();
    }
  });

  it("reports stale data on /healthz with 503 once it is older than serve.maxAge, by the daemon's clock", async () => {
    const syncedAt = Date.parse('2026-03-01T12:00:00Z');
    let now = syncedAt;
    const state = new ServedState(await resolveSite(testConfig({ serve: { maxAge: '10m' } })), new LoopRecord(), silentLogger, () => now);
    await state.publish(servedSet(SET, new Date(syncedAt)));
    const server = createServer(createRequestHandler(state, new ServeMetrics(), silentLogger));
    const base = `http://127.0.0.1:${await listenOnLoopback(server)}`;
    try {
      now = syncedAt + 10 * 60_000;
      const fresh = await fetchRaw(`${base}/healthz`);
      expect(fresh.status, 'exactly maxAge old is still fresh').to.equal(200);
      expect(JSON.parse(fresh.body.toString()).set.ageSeconds).to.equal(600);
      now += 1;
      const health = await fetchRaw(`${base}/healthz`);
      expect(health.status).to.equal(503);
      expect(JSON.parse(health.body.toString()).status).to.equal('stale');
      expect((await fetchRaw(`${base}/plain.txt`)).status, 'stale data is still served').to.equal(200);
    } finally {
      await closeServer(server);
    }
  });
});

describe('serve: writer sidecars', () => {
  it("serves the FMC feed's .md5 next to it, for the same variant", async () => {
    const runner = new ScriptedRunner(SET);
    const { daemon, base } = await startTestDaemon(runner, { outputs: [{ name: 'fmc', target: 'cisco-fmc' }] });
    try {
      await daemon.syncNow();
      for (const query of ['', '?ipv4only']) {
        const feed = await fetchRaw(`${base}/fmc.txt${query}`);
        const md5 = await fetchRaw(`${base}/fmc.txt.md5${query}`);
        expect(md5.status).to.equal(200);
        expect(md5.body.toString()).to.equal(`${createHash('md5').update(feed.body).digest('hex')}\n`);
      }
    } finally {
      await daemon.shutdown();
    }
  });
});

describe('serve: parseQuery', () => {
  it('reads the three options and ignores unknown keys', () => {
    expect(parseQuery('')).to.deep.equal({ families: 'both' });
    expect(parseQuery('ipv4only&cachebust=12')).to.deep.equal({ families: 'v4', aggregate: undefined });
    expect(parseQuery('aggregate=0&ipv6only')).to.deep.equal({ families: 'v6', aggregate: false });
    expect(parseQuery('aggregate')).to.deep.equal({ families: 'both', aggregate: true });
    expect(parseQuery('ipv6only&ipv4only')).to.equal(undefined);
  });
});
