/**
 * One validation path: every input gets an answer naming the config path (exit 2), never an
 * internal error, and whatever `serve` or `push` refuses at start, `config check` refuses first
 * with the same line.
 */
import { expect } from 'chai';
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { stringify } from 'yaml';
import { loadConfig } from '../../src/cli/load-config.js';
import { ConfigError } from '../../src/errors.js';
import { runCli, type CliResult } from '../helpers/cli.js';
import { selfSignedCertificate } from '../helpers/tls.js';
import { tempDir } from '../sync/support.js';

describe('cli config check: one validation path', function () {
  this.timeout(60_000);
  let dir: ReturnType<typeof tempDir>;
  beforeEach(() => {
    dir = tempDir('apiban-check-');
  });
  afterEach(() => dir.remove());

  const env = () => ({ APIBAN_STATE_DIR: join(dir.path, 'state') });
  function configFile(content: string | Record<string, unknown>, name = 'c.yaml'): string {
    const file = join(dir.path, name);
    writeFileSync(file, typeof content === 'string' ? content : stringify(content));
    return file;
  }
  async function check(content: string | Record<string, unknown>): Promise<CliResult> {
    return runCli(['-c', configFile(content), 'config', 'check'], { env: env() });
  }
  /** loadConfig is what `config check` (and every command) runs first; in-process to keep the suite quick. */
  async function problemsOf(content: string | Record<string, unknown>): Promise<string[]> {
    try {
      await loadConfig(configFile(content), {});
      return [];
    } catch (error) {
      if (!(error instanceof ConfigError)) throw error;
      return error.problems;
    }
  }
  function expectRefused(result: CliResult, line: string): void {
    expect(result.code, result.stderr).to.equal(2);
    expect(result.stderr).to.include(line);
    expect(result.stderr).not.to.match(/internal error|at .*\.js:\d+/);
  }

  it('answers a YAML alias inside its own anchor with the path, not a stack overflow', async () => {
    expectRefused(await check('a: &a [*a]\n'), 'a[0]: refers to itself');
    expect(await problemsOf('outputs: &o [{ name: x, target: plain, options: *o }]\n')).to.deep.equal([
      'outputs[0].options: refers to itself (a YAML alias inside its own anchor)',
    ]);
  });

  it('says the configuration must be a mapping when the file holds a scalar or a list', async () => {
    expectRefused(await check('42\n'), '(root): the configuration must be a mapping');
    for (const content of ['hello\n', '- a\n- b\n']) {
      expect(await problemsOf(content))
        .to.have.length(1)
        .and.satisfy((p: string[]) => p[0].startsWith('(root): the configuration must be a mapping'));
    }
  });

  it('refuses an unknown --log-level as an invalid option value (2) naming the choices', async () => {
    const result = await runCli(['--log-level', 'bogus', 'config', 'check'], { env: env() });
    expect(result.code).to.equal(2);
    expect(result.stderr).to.include('--log-level: "bogus" is not a log level').and.include('trace, debug, info, warn, error');
  });

  it('names a bad nested writer option of a push device by its full path', async () => {
    const device = (settings: Record<string, unknown>, driver: string) => ({
      push: { devices: [{ name: 'fw', driver, host: '127.0.0.1', settings }] },
    });
    expectRefused(await check(device({ nftables: { table: 'drop' } }, 'linux-nftables')), 'push.devices[0].settings.nftables.table: ');
    expect(await problemsOf(device({ ipset: { maxelem: -1 } }, 'linux-ipset')))
      .to.have.length(1)
      .and.satisfy((p: string[]) => p[0].startsWith('push.devices[0].settings.ipset.maxelem: '));
  });

  it('names the removed serve.fastLane key and what to do, rather than calling it unknown', async () => {
    expectRefused(
      await check({ serve: { fastLane: true } }),
      'serve.fastLane: removed: serve answers every request through node:http now; delete this line',
    );
  });

  it('refuses durations that make no sense: zero, negative, longer than a timer can wait', async () => {
    expectRefused(await check({ apiban: { budget: { window: '0s' } } }), 'apiban.budget.window: "0s": must be at least 1ms');
    const cases: [Record<string, unknown>, string][] = [
      [{ apiban: { timeout: 0 } }, 'apiban.timeout: 0: must be at least 1ms (zero or negative makes no sense here)'],
      [{ sync: { interval: '0s' } }, 'sync.interval: "0s": must be at least 1ms (zero or negative makes no sense here)'],
      [{ sync: { fullResync: '0s' } }, 'sync.fullResync: "0s": must be at least 1ms (zero or negative makes no sense here)'],
      [{ sync: { expiry: -5 } }, 'sync.expiry: -5: must be at least 1ms (zero or negative makes no sense here)'],
      [
        { serve: { timeouts: { headers: '0s' } } },
        'serve.timeouts.headers: "0s": must be at least 1ms (zero or negative makes no sense here)',
      ],
      [
        { serve: { timeouts: { keepAlive: 0 } } },
        'serve.timeouts.keepAlive: 0: must be at least 1ms (zero or negative makes no sense here)',
      ],
      [
        { push: { devices: [{ name: 'fw', driver: 'linux-ipset', host: 'h', timeout: '0s' }] } },
        'push.devices[0].timeout: "0s": must be at least 1ms (zero or negative makes no sense here)',
      ],
      [
        { serve: { timeouts: { headers: '40s' } } },
        'serve.timeouts.headers: must not be longer than serve.timeouts.request (the whole request includes its headers)',
      ],
      [{ sync: { interval: '30d' } }, 'sync.interval: "30d": at most 24d (the longest delay a timer can wait)'],
    ];
    for (const [config, line] of cases) expect(await problemsOf(config)).to.deep.equal([line]);
  });

  it('refuses duplicate output names and paths, and outputAccess or schedule entries naming nothing', async () => {
    expect(
      await problemsOf({
        outputs: [
          { name: 'a', target: 'plain' },
          { name: 'a', target: 'pfsense' },
        ],
      }),
    ).to.deep.equal([
      'outputs[1].name: duplicate output name "a" (also outputs[0])',
      'outputs[1].path: /a.txt is already served by output "a"',
    ]);
    expect(
      await problemsOf({
        outputs: [
          { name: 'a', target: 'plain', path: '/x.txt' },
          { name: 'b', target: 'pfsense', path: '/x.txt' },
        ],
      }),
    ).to.deep.equal(['outputs[1].path: /x.txt is already served by output "a"']);
    expect(await problemsOf({ outputs: [{ name: 'a', target: 'plain', path: '/t/x.txt' }] })).to.deep.equal([
      'outputs[0].path: /t/x.txt is reserved by the server',
    ]);
    expect(await problemsOf({ serve: { outputAccess: { nosuch: {} } } })).to.deep.equal([
      'serve.outputAccess.nosuch: no output has this name (outputs: plain, pfsense, opnsense)',
    ]);
    expect(await problemsOf({ push: { schedule: { select: { device: ['ghost'] } } } })).to.deep.equal([
      'push.schedule.select.device[0]: no device named "ghost" (devices: none)',
    ]);
  });

  /** Refused by `config check`, and by `serve` with the very same line, before anything listens. */
  async function expectServeAgrees(config: Record<string, unknown>, line: string): Promise<void> {
    // With a source, so serve gets past its refusal to run on nothing (no key, no sources).
    const file = configFile({ sources: [{ name: 'sample', sample: true }], ...config }, 'serve.yaml');
    expectRefused(await runCli(['-c', file, 'config', 'check'], { env: env() }), line);
    expectRefused(await runCli(['-c', file, 'serve'], { env: env(), timeoutMs: 20_000 }), line);
  }

  it('refuses a mirror without tokens and a listen port out of range, blamed on serve.listen', async () => {
    await expectServeAgrees({ serve: { mirror: { enabled: true } } }, 'serve.mirror: enabled without tokens');
    await expectServeAgrees({ serve: { listen: '127.0.0.1:99999' } }, 'serve.listen: "127.0.0.1:99999": port 99999 is out of range');
    const withSource = configFile({ sources: [{ name: 'sample', sample: true }] }, 'source.yaml');
    const cli = await runCli(['-c', withSource, 'serve', '--listen', '127.0.0.1:99999'], { env: env() });
    expectRefused(cli, '[config] --listen: 1 problem(s)');
  });

  it('refuses missing secret files, an empty tokensFile and missing or broken TLS files, as serve does', async () => {
    const missing = join(dir.path, 'missing');
    await expectServeAgrees(
      { serve: { access: { bearer: { tokenFile: missing } } } },
      `serve.access.bearer.tokenFile: cannot read the secret file ${missing} (ENOENT)`,
    );
    const empty = configFile('# no tokens yet\n', 'tokens.txt');
    await expectServeAgrees(
      { serve: { mirror: { enabled: true, tokensFile: empty } } },
      `serve.mirror.tokensFile: ${empty} holds no token`,
    );
    await expectServeAgrees(
      { serve: { tls: { certFile: missing, keyFile: missing } } },
      `serve.tls.certFile: cannot read ${missing} (ENOENT)`,
    );
    const tls = selfSignedCertificate();
    const notPem = configFile('not a certificate\n', 'cert.pem');
    await expectServeAgrees(
      { serve: { tls: { certFile: notPem, keyFile: join(tls.dir, 'key.pem') } } },
      `serve.tls: ${notPem} and ${join(tls.dir, 'key.pem')} do not load as a certificate and its key`,
    );
  });

  it('refuses an allowlist file that a sync could not read or parse', async () => {
    const missing = join(dir.path, 'allow-missing.txt');
    const bad = configFile('192.0.2.0/24\nnot-a-network\n', 'allow-bad.txt');
    const result = await check({ policy: { allowlistFiles: [missing, bad] } });
    expectRefused(result, 'policy.allowlistFiles[0]: ');
    expect(result.stderr).to.include('policy.allowlistFiles[1]: "not-a-network"');
  });

  it('refuses a device credential that push could not read, with the line push prints', async () => {
    const file = configFile({
      sources: [{ name: 'sample', sample: true }],
      push: {
        devices: [{ name: 'fw', driver: 'linux-nftables', host: '127.0.0.1', credentials: { username: 'u', passwordEnv: 'FW_PASSWORD' } }],
      },
    });
    const line = 'credentials.passwordEnv: environment variable FW_PASSWORD is not set';
    expectRefused(await runCli(['-c', file, 'config', 'check'], { env: env() }), `push.devices[0].${line}`);
    expectRefused(await runCli(['-c', file, 'push', '--all', '--no-sync'], { env: env() }), line);
    const ok = await runCli(['-c', file, 'config', 'check'], { env: { ...env(), FW_PASSWORD: 'pw' } });
    expect(ok.code, ok.stderr).to.equal(0);
  });

  it('warns that serve.mirror.includeEdge does nothing without the mirror or the edge ingest, and not when both are on', async () => {
    const mirror = { enabled: true, tokens: ['a-mirror-token-of-16'], includeEdge: true };
    const base = { sources: [{ name: 'sample', sample: true }] };
    const warned = async (config: Record<string, unknown>) => (await check({ ...base, ...config })).stderr;
    expect(await warned({ serve: { mirror: { ...mirror, enabled: false } } })).to.include(
      'warning: serve.mirror.includeEdge: has no effect while serve.mirror.enabled is false',
    );
    expect(await warned({ serve: { mirror } })).to.include('warning: serve.mirror.includeEdge: has no effect while ingest.listen is unset');
    const both = await check({
      ...base,
      serve: { mirror },
      ingest: { listen: '127.0.0.1:0', clients: [{ name: 'sbc1', allow: ['127.0.0.1/32'] }] },
    });
    expect(both.code, both.stderr).to.equal(0);
    expect(both.stderr).not.to.include('includeEdge');
  });
});
