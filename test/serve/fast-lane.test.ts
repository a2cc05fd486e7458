/**
 * The fast lane (src/serve/fast-lane.ts) against node:http itself: two daemons serve the same set,
 * one with the lane and one without, and every exchange below must come back byte for byte the
 * same (Date and Last-Modified values aside), whether the lane answers it or hands it on.
 */
import { expect } from 'chai';
import { createServer } from 'node:http';
import { connect, type AddressInfo } from 'node:net';
import { setFlagsFromString } from 'node:v8';
import { runInNewContext } from 'node:vm';
import { parsePrefix } from '../../src/banset/address.js';
import { createBanSet, type BanSet } from '../../src/banset/banset.js';
import type { ServeDaemon } from '../../src/serve/daemon.js';
import { FastLane } from '../../src/serve/fast-lane.js';
import { bansOf, fetchRaw, ScriptedRunner, startTestDaemon } from './support.js';

const SET = bansOf('192.0.2.1', '198.51.100.0/24', '2001:db8::/48');
/** `count` consecutive addresses from 11.0.0.0, about 13 bytes each as plain text. */
function manyAddresses(count: number): BanSet {
  return createBanSet(Array.from({ length: count }, (_, i) => parsePrefix(`11.${(i >> 16) & 255}.${(i >> 8) & 255}.${i & 255}`)));
}

/** About 500 KB as plain text: a few dozen answers fill the socket buffers of a client that does not read. */
const BIG = manyAddresses(40_000);

/**
 * Everything a server sends on one connection for `writes` (sent `gapMs` apart), until it closes
 * the socket; with `halfClose`, the client ends its side after the last write.
 */
function exchange(port: number, writes: (string | Buffer)[], gapMs = 20, halfClose = false): Promise<string> {
  return new Promise((resolve, reject) => {
    const socket = connect(port, '127.0.0.1');
    let received = '';
    const timer = setTimeout(() => {
      socket.destroy();
      reject(new Error(`still open; received so far:\n${received}`));
    }, 5000).unref();
    socket.on('data', (chunk: Buffer) => {
      received += chunk.toString('latin1');
    });
    socket.on('close', () => {
      clearTimeout(timer);
      resolve(received);
    });
    socket.on('error', reject);
    socket.on('connect', async () => {
      for (const write of writes) {
        if (!socket.writable) break;
        socket.write(write);
        await new Promise((wait) => setTimeout(wait, gapMs));
      }
      if (halfClose && socket.writable) socket.end();
    });
  });
}

/** Date changes between the two runs, and Last-Modified is the second each daemon built its set. */
function masked(text: string): string {
  return text.replace(/^(Date|last-modified): .*$/gim, '$1: *');
}

interface Pair {
  lane: ServeDaemon;
  node: ServeDaemon;
}

const H = 'Host: lists.example\r\n';
const CLOSE = `GET /plain.txt HTTP/1.1\r\n${H}Connection: close\r\n\r\n`;

describe('serve: the fast lane answers as node:http does', () => {
  let pair: Pair;
  let etag: string;
  let gzipEtag: string;

  before(async () => {
    // node:http leaves a socket open after its Connection: close answer until the keep-alive timeout; keep that short.
    const config = { serve: { maxRequestsPerSocket: 4, timeouts: { keepAlive: '1s' } } };
    const lane = (await startTestDaemon(new ScriptedRunner(SET), config)).daemon;
    const node = (await startTestDaemon(new ScriptedRunner(SET), { serve: { ...config.serve, fastLane: false } })).daemon;
    await Promise.all([lane.syncNow(), node.syncNow()]);
    pair = { lane, node };
    expect(lane.listener.lane, 'the lane is on by default').to.not.equal(undefined);
    expect(node.listener.lane).to.equal(undefined);
    const base = `http://127.0.0.1:${lane.address.port}/plain.txt`;
    etag = String((await fetchRaw(base)).headers.etag);
    gzipEtag = String((await fetchRaw(base, { headers: { 'accept-encoding': 'gzip' } })).headers.etag);
  });

  after(async () => {
    await pair.lane.shutdown();
    await pair.node.shutdown();
  });

  /** Runs the writes against both daemons; returns the lane's answer and how many requests the lane answered itself. */
  async function both(writes: (string | Buffer)[], gapMs?: number, halfClose?: boolean): Promise<{ text: string; answered: number }> {
    const before = pair.lane.listener.lane?.answered ?? 0;
    const [fromLane, fromNode] = await Promise.all([
      exchange(pair.lane.address.port, writes, gapMs, halfClose),
      exchange(pair.node.address.port, writes, gapMs, halfClose),
    ]);
    expect(masked(fromLane)).to.equal(masked(fromNode));
    return { text: fromLane, answered: (pair.lane.listener.lane?.answered ?? 0) - before };
  }

  it('a 200, a 304 by ETag or date, HEAD and gzip, on one keep-alive connection', async () => {
    const { text, answered } = await both([
      `GET /plain.txt HTTP/1.1\r\n${H}\r\n`,
      `GET /plain.txt HTTP/1.1\r\n${H}If-None-Match: ${etag}\r\n\r\n`,
      `HEAD /plain.txt HTTP/1.1\r\n${H}If-Modified-Since: Fri, 01 Jan 2100 00:00:00 GMT\r\n\r\n`,
      `GET /plain.txt HTTP/1.1\r\n${H}Accept-Encoding: gzip\r\nIf-None-Match: ${gzipEtag}\r\nConnection: close\r\n\r\n`,
    ]);
    expect(answered).to.equal(4);
    expect(text.match(/^HTTP\/1\.1 \d+/gm)).to.deep.equal(['HTTP/1.1 200', 'HTTP/1.1 304', 'HTTP/1.1 304', 'HTTP/1.1 304']);
    expect(text).to.include('192.0.2.1\n');
  });

  it('pipelined requests in one write, and one head split over three', async () => {
    const pipelined = `GET /plain.txt HTTP/1.1\r\n${H}If-None-Match: ${etag}\r\n\r\n`.repeat(2) + CLOSE;
    expect((await both([pipelined])).answered).to.equal(3);
    const split = `GET /plain.txt HTTP/1.1\r\n${H}If-None-Match: ${etag}\r\nConnection: close\r\n\r\n`;
    expect((await both([split.slice(0, 7), split.slice(7, 40), split.slice(40)])).answered).to.equal(1);
  });

  it('waits for the first request of a socket that is quiet for a while after connecting', async () => {
    // Longer than the lane's check of deadlines (a quarter of the 1 s keep-alive time).
    const { text, answered } = await both(['', CLOSE], 600);
    expect(answered).to.equal(1);
    expect(text).to.match(/^HTTP\/1\.1 200 OK\r\n/);
  });

  it('answers a client that half-closes after its request, then closes at once', async () => {
    const started = Date.now();
    const { text, answered } = await both([`GET /plain.txt HTTP/1.1\r\n${H}If-None-Match: ${etag}\r\n\r\n`], 20, true);
    expect(Date.now() - started, 'well before the 1 s keep-alive timeout').to.be.below(700);
    expect(answered).to.equal(1);
    expect(text).to.match(/^HTTP\/1\.1 304 Not Modified\r\n/);
  });

  it('closes after maxRequestsPerSocket answers, with Connection: close on the last', async () => {
    const request = `GET /plain.txt HTTP/1.1\r\n${H}If-None-Match: ${etag}\r\n\r\n`;
    const { text } = await both([request, request, request, request]);
    expect(text.match(/^Connection: .*$/gm)).to.deep.equal([
      'Connection: keep-alive',
      'Connection: keep-alive',
      'Connection: keep-alive',
      'Connection: close',
    ]);
  });

  it('hands a connection to node:http at the first request it does not answer itself', async () => {
    const handedOff = [
      `POST /plain.txt HTTP/1.1\r\n${H}Content-Length: 5\r\n\r\nhello`,
      `GET /nothing-here HTTP/1.1\r\n${H}\r\n`,
      `GET /plain.txt?ipv4only HTTP/1.1\r\n${H}\r\n`,
      `GET /plain.txt HTTP/1.0\r\nConnection: keep-alive\r\n\r\n`,
      `GET /plain.txt HTTP/1.1\r\n\r\n`,
      `GET /plain.txt HTTP/1.1\r\n${H}If-None-Match: ${etag}\r\nIf-None-Match: "other"\r\n\r\n`,
      `OPTIONS /plain.txt HTTP/1.1\r\n${H}\r\n`,
      `GET /plain.txt?ipv4only&ipv6only HTTP/1.1\r\n${H}\r\n`,
    ];
    for (const request of handedOff) {
      const { text, answered } = await both([`GET /plain.txt HTTP/1.1\r\n${H}If-None-Match: ${etag}\r\n\r\n`, request, CLOSE]);
      expect(answered, request).to.equal(1);
      expect(text.split('HTTP/1.1 ').length - 1, request).to.be.at.least(2);
    }
  });

  it("answers a malformed or oversized head with node's 400 or 431 and closes", async () => {
    const bad = await both([`GET /plain.txt HTTP/1.1\r\n${H}Bad Header\r\n\r\n`]);
    expect(bad.text).to.equal('HTTP/1.1 400 Bad Request\r\nConnection: close\r\n\r\n');
    const big = await both([`GET /plain.txt HTTP/1.1\r\n${H}X-Filler: ${'a'.repeat(20_000)}\r\n\r\n`]);
    expect(big.text).to.equal('HTTP/1.1 431 Request Header Fields Too Large\r\nConnection: close\r\n\r\n');
  });
});

/** 200 answers of /plain.txt so far, from the metrics. */
async function answeredOk(daemon: ServeDaemon): Promise<number> {
  const { body } = await daemon.metrics.render();
  const line = /^apiban_exporter_http_requests_total\{output="plain",code="200"\} (\d+)$/m.exec(body);
  return Number(line?.[1] ?? 0);
}

describe('serve: the fast lane over time', () => {
  it("cuts a head that trickles in past the headers deadline with node's 408, and closes idle sockets", async function () {
    this.timeout(10_000);
    const { daemon } = await startTestDaemon(new ScriptedRunner(SET), {
      serve: { timeouts: { headers: '400ms', request: '800ms', keepAlive: '300ms' } },
    });
    try {
      await daemon.syncNow();
      const trickle = `GET /plain.txt HTTP/1.1\r\n${H}X-Slow: ${'a'.repeat(40)}`.split('');
      const started = Date.now();
      const text = await exchange(daemon.address.port, trickle, 40);
      expect(text).to.equal('HTTP/1.1 408 Request Timeout\r\nConnection: close\r\n\r\n');
      expect(Date.now() - started).to.be.within(400, 2000);
      const idle = Date.now();
      const answered = await exchange(daemon.address.port, [`GET /plain.txt HTTP/1.1\r\n${H}\r\n`]);
      expect(answered).to.match(/^HTTP\/1\.1 200 OK/);
      expect(Date.now() - idle, 'closed by the keep-alive timeout').to.be.within(250, 2000);
    } finally {
      await daemon.shutdown();
    }
  });

  it("cuts every socket that says nothing with node's 408 at the headers deadline", async function () {
    this.timeout(10_000);
    const { daemon } = await startTestDaemon(new ScriptedRunner(SET), { serve: { timeouts: { headers: '300ms', keepAlive: '200ms' } } });
    try {
      // Many at once: a silent socket's parser has no request time yet, and each one reads a different stale value.
      const started = Date.now();
      const answers = await Promise.all(Array.from({ length: 20 }, () => exchange(daemon.address.port, [])));
      expect(new Set(answers)).to.deep.equal(new Set(['HTTP/1.1 408 Request Timeout\r\nConnection: close\r\n\r\n']));
      expect(Date.now() - started).to.be.below(2000);
    } finally {
      await daemon.shutdown();
    }
  });

  it('frees what each socket held once it closes (5,000 sockets, answered by the lane or handed on)', async function () {
    this.timeout(60_000);
    // node:http frees its parsers itself; the lane's must be freed by the lane. Counted in the heap after full collections.
    setFlagsFromString('--expose-gc');
    const gc = runInNewContext('gc') as () => void;
    const { daemon } = await startTestDaemon(new ScriptedRunner(SET));
    try {
      await daemon.syncNow();
      const requests = [CLOSE, `GET /nothing-here HTTP/1.1\r\n${H}Connection: close\r\n\r\n`];
      const burst = async (sockets: number) => {
        for (let i = 0; i < sockets; i += 50) {
          await Promise.all(Array.from({ length: 50 }, (_, j) => exchange(daemon.address.port, [requests[(i + j) % 2]], 0)));
        }
      };
      const heap = async () => {
        await new Promise((resolve) => setTimeout(resolve, 100));
        gc();
        gc();
        return process.memoryUsage().heapUsed;
      };
      await burst(500); // warm-up: code and pools reach their size first
      const before = await heap();
      await burst(5000);
      expect((await heap()) - before, 'heap bytes kept after 5,000 closed sockets').to.be.below(2_000_000);
    } finally {
      await daemon.shutdown();
    }
  });

  it('stops reading a client that pipelines faster than it reads, then answers every request in order', async function () {
    this.timeout(20_000);
    const { daemon } = await startTestDaemon(new ScriptedRunner(BIG), { serve: { maxRequestsPerSocket: 0 } });
    try {
      await daemon.syncNow();
      const size = (await fetchRaw(`http://127.0.0.1:${daemon.address.port}/plain.txt`)).body.length;
      expect(size).to.be.above(400_000);
      const requests = 200;
      const socket = connect(daemon.address.port, '127.0.0.1');
      await new Promise((resolve) => socket.once('connect', resolve));
      socket.pause();
      for (let i = 0; i < requests; i++) {
        socket.write(`GET /plain.txt HTTP/1.1\r\n${H}\r\n`);
        await new Promise((wait) => setTimeout(wait, 2));
      }
      await new Promise((wait) => setTimeout(wait, 500));
      // Answers written or queued: a server that kept reading would have all of them by now.
      expect((await answeredOk(daemon)) - 1, 'answers for a client that reads nothing').to.be.below(requests / 2);
      let received = 0;
      socket.on('data', (chunk: Buffer) => {
        received += chunk.length;
      });
      socket.resume();
      while (received < requests * size) await new Promise((resolve) => setTimeout(resolve, 50));
      socket.destroy();
      expect(await answeredOk(daemon)).to.equal(requests + 1);
    } finally {
      await daemon.shutdown();
    }
  });

  it('lets an answer a client is still reading finish at shutdown, then closes its socket', async function () {
    this.timeout(30_000);
    // 16 MB of plain text: more than loopback's socket buffers take, so the answer is still being written at shutdown.
    const huge = manyAddresses(1_200_000);
    const { daemon } = await startTestDaemon(new ScriptedRunner(huge), { serve: { timeouts: { shutdown: '5s' } } });
    await daemon.syncNow();
    const size = (await fetchRaw(`http://127.0.0.1:${daemon.address.port}/plain.txt`)).body.length;
    const socket = connect(daemon.address.port, '127.0.0.1');
    await new Promise((resolve) => socket.once('connect', resolve));
    socket.pause();
    socket.write(`GET /plain.txt HTTP/1.1\r\n${H}\r\n`);
    await new Promise((wait) => setTimeout(wait, 300));
    const stopped = daemon.shutdown();
    let received = 0;
    socket.on('data', (chunk: Buffer) => {
      received += chunk.length;
    });
    socket.resume();
    await new Promise((resolve) => socket.once('close', resolve));
    await stopped;
    expect(received).to.be.above(size);
  });

  it('shuts down at once with an idle lane connection open', async function () {
    this.timeout(10_000);
    const { daemon } = await startTestDaemon(new ScriptedRunner(SET), { serve: { timeouts: { keepAlive: '60s', shutdown: '5s' } } });
    await daemon.syncNow();
    const idle = connect(daemon.address.port, '127.0.0.1');
    idle.write(`GET /plain.txt HTTP/1.1\r\n${H}\r\n`);
    await new Promise((resolve) => idle.once('data', resolve));
    const closed = new Promise((resolve) => idle.once('close', resolve));
    const started = Date.now();
    await daemon.shutdown();
    await closed;
    expect(Date.now() - started).to.be.below(1000);
  });
});

describe('serve: the fast lane when its responder fails', () => {
  it('leaves the request to node:http instead of letting the throw end the process', async () => {
    const server = createServer((_req, res) => {
      res.writeHead(500, { 'content-length': 0 });
      res.end();
    });
    const lane = FastLane.attach(
      server,
      () => {
        throw new Error('a bug in a route');
      },
      { timeouts: { headers: 1000, request: 1000, keepAlive: 1000 }, maxRequestsPerSocket: 0 },
    );
    expect(lane).to.not.equal(undefined);
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    try {
      const { port } = server.address() as AddressInfo;
      const text = await exchange(port, [CLOSE]);
      expect(text).to.match(/^HTTP\/1\.1 500 Internal Server Error\r\n/);
    } finally {
      server.close();
    }
  });
});
