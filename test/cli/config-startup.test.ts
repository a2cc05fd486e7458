/**
 * `config check` = start: whatever `sync` or `serve` refuses at start, `config check` refuses
 * first with the same `path: problem` line (both run startup-checks.ts), and the warnings for
 * secret files open to group or others appear in both. Weak secrets are refusals; a byte order
 * mark and `:PORT` are accepted.
 */
import { expect } from 'chai';
import { chmodSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { stringify } from 'yaml';
import { runCli, type CliResult } from '../helpers/cli.js';
import { startServe } from '../helpers/serve-process.js';
import { selfSignedCertificate } from '../helpers/tls.js';
import { tempDir } from '../sync/support.js';

describe('cli config check = start', function () {
  this.timeout(60_000);
  let dir: ReturnType<typeof tempDir>;
  beforeEach(() => {
    dir = tempDir('apiban-startup-');
  });
  afterEach(() => dir.remove());

  function file(name: string, content: string, mode = 0o600): string {
    const path = join(dir.path, name);
    writeFileSync(path, content);
    chmodSync(path, mode);
    return path;
  }
  // With the sample as a source, so serve gets past its refusal to run on nothing (no key, no sources).
  const config = (content: Record<string, unknown>) =>
    file('c.yaml', stringify({ state: { dir: join(dir.path, 'state') }, sources: [{ name: 'sample', sample: true }], ...content }));
  function expectRefused(result: CliResult, lines: string[]): void {
    expect(result.code, result.stderr).to.equal(2);
    for (const line of lines) expect(result.stderr).to.include(line);
  }

  it('refuses a missing caFile, a state.dir under a regular file and a missing source file, as sync does', async () => {
    const blocker = file('not-a-dir', '');
    const path = file(
      'c.yaml',
      stringify({
        state: { dir: join(blocker, 'state') },
        apiban: { caFile: join(dir.path, 'ca.pem') },
        sources: [{ name: 'own', file: join(dir.path, 'own.txt') }],
      }),
    );
    const lines = [
      `state.dir: cannot create ${join(blocker, 'state')}: ${blocker} is a file, not a directory`,
      `apiban.caFile: cannot read ${join(dir.path, 'ca.pem')} (ENOENT)`,
      `sources[0].file: cannot read ${join(dir.path, 'own.txt')} (ENOENT)`,
    ];
    expectRefused(await runCli(['-c', path, 'config', 'check']), lines);
    expectRefused(await runCli(['-c', path, 'sync']), lines);
  });

  it('refuses weak secrets (empty password file, short tokens) in config check and serve alike', async () => {
    const path = config({
      serve: {
        adminAccess: { basic: { username: 'fw', passwordFile: file('empty-password', '\n') } },
        access: { bearer: { tokenFile: file('short-token', 'short-token\n') } },
        outputAccess: { plain: { pathToken: { token: 'tok-2' } } },
      },
    });
    expectRefused(await runCli(['-c', path, 'config', 'check']), [
      'serve.outputAccess.plain.pathToken.token: a token needs at least 16 characters',
    ]);
    writeFileSync(path, readBack(path).replace('tok-2', 'path-token-0123456789'));
    const lines = [
      `serve.adminAccess.basic.passwordFile: ${join(dir.path, 'empty-password')} holds an empty password`,
      `serve.access.bearer.tokenFile: ${join(dir.path, 'short-token')} holds a token shorter than 16 characters`,
    ];
    const checked = await runCli(['-c', path, 'config', 'check']);
    expectRefused(checked, lines);
    expect(checked.stderr).not.to.include('short-token\n');
    expectRefused(await runCli(['-c', path, 'serve', '--listen', '127.0.0.1:0']), lines);
  });

  it('warns, naming file and mode, about secret files and keys open to group or others', async () => {
    const tls = selfSignedCertificate();
    chmodSync(join(tls.dir, 'key.pem'), 0o644);
    const token = file('token', 'token-0123456789abcdef\n', 0o640);
    const key = file('id_ed25519', 'not checked here\n', 0o604);
    const device = { name: 'fw', driver: 'linux-nftables', host: '127.0.0.1', credentials: { username: 'u', privateKeyFile: key } };
    const path = config({
      push: { devices: [device] },
      serve: {
        listen: '127.0.0.1:0',
        tls: { certFile: join(tls.dir, 'cert.pem'), keyFile: join(tls.dir, 'key.pem') },
        access: { bearer: { tokenFile: token } },
      },
    });
    const checked = await runCli(['-c', path, 'config', 'check']);
    expect(checked.code, checked.stderr).to.equal(0);
    expect(checked.stderr)
      .to.include(`warning: serve.tls.keyFile: ${join(tls.dir, 'key.pem')} is open to group and others (mode 0644)`)
      .and.include(`warning: serve.access.bearer.tokenFile: ${token} is open to group (mode 0640); chmod 600 ${token}`)
      .and.include(`warning: push.devices[0].credentials.privateKeyFile: ${key} is open to others (mode 0604)`);
    const serve = await startServe(path);
    try {
      expect(serve.stderr()).to.include(`serve.tls.keyFile: ${join(tls.dir, 'key.pem')} is open to group and others (mode 0644)`);
    } finally {
      serve.child.kill('SIGTERM');
      await serve.exited;
    }
    for (const closed of [token, key, join(tls.dir, 'key.pem')]) chmodSync(closed, 0o600);
    expect((await runCli(['-c', path, 'config', 'check'])).stderr).not.to.include('warning');
  });

  it('accepts a JSON or YAML file that starts with a UTF-8 byte order mark', async () => {
    const json = file('bom.json', '\uFEFF{"sync": {"interval": "5m"}}');
    const yaml = file('bom.yaml', '\uFEFFsync:\n  interval: 5m\n');
    for (const path of [json, yaml]) {
      const result = await runCli(['-c', path, 'config', 'check', '--schema-only']);
      expect(result.code, result.stderr).to.equal(0);
    }
  });

  it('takes ":PORT" as every address, in serve.listen and --listen', async () => {
    const path = config({ serve: { listen: ':0' } });
    expect((await runCli(['-c', path, 'config', 'check'])).code).to.equal(0);
    const serve = await startServe(path, {}, ':0');
    try {
      const line = serve
        .stderr()
        .split('\n')
        .find((l) => l.includes('"listening"')) as string;
      expect(JSON.parse(line).host).to.be.oneOf(['::', '0.0.0.0']);
      expect((await fetch(`http://127.0.0.1:${serve.port}/healthz`)).status).to.be.oneOf([200, 503]);
    } finally {
      serve.child.kill('SIGTERM');
      await serve.exited;
    }
  });
});

function readBack(path: string): string {
  return readFileSync(path, 'utf8');
}
