import { expect } from 'chai';
import { connect } from 'node:net';
import { request as httpsRequest } from 'node:https';
import { Writable } from 'node:stream';
import { formatIssues } from '../../src/config/load.js';
import { ConfigError } from '../../src/errors.js';
import { createLogger, silentLogger } from '../../src/log.js';
import { Runtime } from '../../src/runtime/runtime.js';
import { effectiveInterval, MIN_SYNC_INTERVAL_MS } from '../../src/sync/sync-loop.js';
import { resolveSite } from '../../src/serve/site.js';
import { configSchema } from '../helpers/config-schema.js';
import { selfSignedCertificate } from '../helpers/tls.js';
import { bansOf, fetchRaw, ScriptedRunner, startTestDaemon, testConfig } from './support.js';

const SET = bansOf('192.0.2.1', '198.51.100.0/24');

/** A JSON logger whose lines the test reads back. */
function capturedLog() {
  const lines: { level: number; msg: string; error?: string; sections?: string[] }[] = [];
  const destination = new Writable({
    write(chunk: Buffer, _encoding, done) {
      for (const line of chunk.toString().split('\n').filter(Boolean)) lines.push(JSON.parse(line));
      done();
    },
  });
  return { log: createLogger({ format: 'json', level: 'info', destination }), lines };
}

/** Resolves with how long the server took to close a socket that sent `bytes` and then nothing. */
function timeUntilClosed(port: number, bytes: string): Promise<number> {
  return new Promise((resolve, reject) => {
    const started = Date.now();
    const socket = connect(port, '127.0.0.1', () => socket.write(bytes));
    socket.on('data', () => undefined);
    socket.on('close', () => resolve(Date.now() - started));
    socket.on('error', reject);
    setTimeout(() => {
      socket.destroy();
      reject(new Error('socket still open'));
    }, 4000).unref();
  });
}

describe('serve: daemon operations', () => {
  it('clamps the sync interval so the APIBAN budget is never exceeded', () => {
    expect(effectiveInterval(testConfig({ sync: { interval: '5s' } }).config)).to.equal(MIN_SYNC_INTERVAL_MS);
    expect(effectiveInterval(testConfig({ sync: { interval: '10m' } }).config)).to.equal(600_000);
    const tight = testConfig({ sync: { interval: '1s' }, apiban: { budget: { requests: 2, window: '10m' } } }).config;
    expect(effectiveInterval(tight)).to.equal(600_000);
    expect(
      effectiveInterval(testConfig({ sync: { interval: '100ms' }, apiban: { budget: { requests: 1000, window: '1s' } } }).config, 50),
    ).to.equal(100);
  });

  it('runs one sync at a time: a trigger while one runs shares it', async () => {
    const runner = new ScriptedRunner(SET);
    const { daemon } = await startTestDaemon(runner);
    try {
      await daemon.syncNow();
      const before = runner.syncs;
      await Promise.all([daemon.syncNow(), daemon.syncNow(), daemon.syncNow()]);
      expect(runner.syncs - before).to.equal(1);
    } finally {
      await daemon.shutdown();
    }
    expect(runner.closed, 'shutdown closes the sync service').to.equal(true);
  });

  it('logs a failure the sync service reported as a warning (the service logged the error), and a throw as an error', async () => {
    const { log, lines } = capturedLog();
    const runner = new ScriptedRunner(SET);
    const sync = runner.sync.bind(runner);
    let throwing = false;
    runner.sync = () => (throwing ? Promise.reject(new Error('the runner broke')) : sync());
    const daemon = await Runtime.start({
      loaded: testConfig(),
      log,
      createSync: async () => runner,
      http: { listen: '127.0.0.1:0', processMetrics: false },
    });
    try {
      await daemon.syncNow(); // the first sync, which start() began
      runner.failing = true;
      await daemon.syncNow();
      throwing = true;
      await daemon.syncNow();
    } finally {
      await daemon.shutdown();
    }
    const failures = lines.filter((line) => line.msg === 'sync failed; serving the last good set');
    expect(failures.map((line) => [line.level, line.error])).to.deep.equal([
      [40, '[apiban] 503 from the test'],
      [50, 'the runner broke'],
    ]);
  });

  it('reloads the configuration, and keeps the running one when the new one is invalid', async () => {
    let next = testConfig({ outputs: [{ name: 'edl', target: 'plain' }] });
    const runner = new ScriptedRunner(SET);
    const daemon = await Runtime.start({
      loaded: testConfig(),
      log: silentLogger,
      createSync: async () => runner,
      http: { listen: '127.0.0.1:0', processMetrics: false },
      reloadConfig: () => next,
    });
    const base = `http://127.0.0.1:${daemon.address.port}`;
    try {
      await daemon.syncNow();
      expect((await fetchRaw(`${base}/edl.txt`)).status).to.equal(404);
      expect(await daemon.reload()).to.equal(true);
      expect((await fetchRaw(`${base}/edl.txt`)).status).to.equal(200);
      expect((await fetchRaw(`${base}/plain.txt`)).status).to.equal(404);
      next = testConfig({ outputs: [{ name: 'a', target: 'plain' }], serve: { access: { bearer: { tokenFile: '/nonexistent/token' } } } });
      expect(await daemon.reload()).to.equal(false);
      expect((await fetchRaw(`${base}/edl.txt`)).status).to.equal(200);
    } finally {
      await daemon.shutdown();
    }
  });

  it('names the listening-socket settings a reload leaves for the next restart', async () => {
    const { log, lines } = capturedLog();
    let next = testConfig({ serve: { timeouts: { shutdown: '3s' } } });
    const daemon = await Runtime.start({
      loaded: testConfig(),
      log,
      createSync: async () => new ScriptedRunner(SET),
      http: { listen: '127.0.0.1:0', processMetrics: false },
      reloadConfig: () => next,
    });
    try {
      // The shutdown grace is read at shutdown: that change needs no restart.
      expect(await daemon.reload()).to.equal(true);
      next = testConfig({ serve: { timeouts: { keepAlive: '2s' }, maxRequestsPerSocket: 10 } });
      expect(await daemon.reload()).to.equal(true);
    } finally {
      await daemon.shutdown();
    }
    const warnings = lines.filter((line) => line.msg === 'these changes take effect after a restart');
    expect(warnings.map((line) => line.sections)).to.deep.equal([['serve.timeouts', 'serve.maxRequestsPerSocket']]);
  });

  it("rejects outputs that collide or shadow the server's own paths (in the schema, so every command does)", async () => {
    const problems = (raw: Record<string, unknown>) => {
      const parsed = configSchema.safeParse(raw);
      return parsed.success ? [] : formatIssues(parsed.error.issues);
    };
    expect(problems({ outputs: [{ name: 'h', target: 'plain', path: '/api/list.txt' }] })).to.deep.equal([
      'outputs[0].path: /api/list.txt is reserved by the server',
    ]);
    expect(problems({ serve: { outputAccess: { nosuch: {} } } })).to.deep.equal([
      'serve.outputAccess.nosuch: no output has this name (outputs: plain, pfsense, opnsense)',
    ]);
    expect(problems({ serve: { mirror: { enabled: true } } })).to.deep.equal([
      'serve.mirror: enabled without tokens (set tokens or tokensFile)',
    ]);
    const refused = await resolveSite(testConfig({ serve: { adminAccess: { bearer: { tokenFile: '/nonexistent/t' } } } })).catch(
      (error: unknown) => error,
    );
    expect(refused).to.be.instanceOf(ConfigError);
    expect((refused as ConfigError).message).to.include(
      'serve.adminAccess.bearer.tokenFile: cannot read the secret file /nonexistent/t (ENOENT)',
    );
  });

  it('closes sockets of clients that send no or half a request', async function () {
    this.timeout(10_000);
    const { daemon } = await startTestDaemon(new ScriptedRunner(SET), {
      serve: { timeouts: { headers: '300ms', request: '600ms', keepAlive: '200ms' } },
    });
    try {
      const port = daemon.address.port;
      expect(await timeUntilClosed(port, ''), 'silent client').to.be.below(2500);
      expect(await timeUntilClosed(port, 'GET /plain.txt HTTP/1.1\r\nHost: x\r\n'), 'headers never finished').to.be.below(2500);
      expect(await timeUntilClosed(port, 'GET /plain.txt HTTP/1.1\r\nHost: x\r\n\r\n'), 'keep-alive idle').to.be.below(2500);
    } finally {
      await daemon.shutdown();
    }
  });

  it('serves HTTPS when a certificate and key are configured', async () => {
    const certificate = selfSignedCertificate();
    const { daemon } = await startTestDaemon(new ScriptedRunner(SET), {
      serve: { tls: { certFile: certificate.certFile, keyFile: `${certificate.dir}/key.pem` } },
    });
    try {
      await daemon.syncNow();
      const body = await new Promise<string>((resolve, reject) => {
        httpsRequest(`https://127.0.0.1:${daemon.address.port}/plain.txt`, { ca: certificate.cert }, (res) => {
          let text = '';
          res.on('data', (chunk) => {
            text += chunk;
          });
          res.on('end', () => resolve(text));
        })
          .on('error', reject)
          .end();
      });
      expect(body).to.contain('198.51.100.0/24');
    } finally {
      await daemon.shutdown();
    }
  });
});

describe('serve: listen errors', () => {
  it('reports an address in use as a configuration problem', async () => {
    const { daemon } = await startTestDaemon(new ScriptedRunner(SET));
    const runner = new ScriptedRunner(SET);
    try {
      await startTestDaemon(runner, { serve: { listen: `127.0.0.1:${daemon.address.port}` } }).then(
        () => expect.fail('bound twice'),
        (error: Error) => {
          expect(error).to.be.instanceOf(ConfigError);
          expect(error.message).to.contain('EADDRINUSE');
        },
      );
      expect(runner.closed, 'the sync service is closed again').to.equal(true);
    } finally {
      await daemon.shutdown();
    }
  });
});
