import { expect } from 'chai';
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { TARGET_NAMES } from '../../targets/index.js';
import { runCli } from '../helpers/cli.js';

describe('cli/config and cli/targets', () => {
  let dir: string;
  beforeEach(() => {
    dir = mkdtempSync(join(tmpdir(), 'apiban-config-'));
  });

  it('prints every problem as a path: message line and exits 2', async () => {
    const file = join(dir, 'bad.yaml');
    writeFileSync(
      file,
      [
        'apiban: { version: v3, baseUrl: "ftp://x" }',
        'sync: { interval: soon }',
        'policy: { allowlist: ["192.0.2.1", "10.0.0.0/33"], minPrefixLength: { v4: 40 } }',
        'outputs: [ { name: fw, target: cisco }, { name: ok, target: plain, options: { header: "yes" } }, { name: srx, target: junos-srx-feed, path: /srx } ]',
        'typo: 1',
      ].join('\n'),
    );
    const result = await runCli(['config', 'check', '-c', file]);
    expect(result.code).to.equal(2);
    for (const line of [
      'apiban.version:',
      'apiban.baseUrl:',
      'sync.interval: "soon" is not a duration',
      'policy.allowlist[1]: "10.0.0.0/33" is not a strict',
      'policy.minPrefixLength.v4:',
      'outputs[0].target: unknown target "cisco"; supported: ',
      'outputs[1].options.header:',
      'outputs[2].path: must end in .txt (the junos-srx-feed extension)',
      'typo: unknown key',
    ]) {
      expect(result.stderr).to.include(line);
    }
  });

  it('reports YAML syntax errors with their line, and missing variables by path', async () => {
    const broken = join(dir, 'broken.yaml');
    writeFileSync(broken, 'apiban:\n  key: [unclosed\n');
    const syntax = await runCli(['config', 'check', '-c', broken]);
    expect(syntax.code).to.equal(2);
    expect(syntax.stderr).to.match(/line \d+, column \d+/);
    const withVar = join(dir, 'var.yaml');
    // biome-ignore lint/suspicious/noTemplateCurlyInString: the config's own ${VAR} substitution, not a template
    writeFileSync(withVar, 'apiban:\n  key: ${MY_APIBAN_KEY}\n');
    const missing = await runCli(['config', 'check', '-c', withVar]);
    expect(missing.stderr).to.include('apiban.key: environment variable MY_APIBAN_KEY is not set');
    const present = await runCli(['config', 'check', '-c', withVar], { env: { MY_APIBAN_KEY: 'k-123456' } });
    expect(present.code, present.stderr).to.equal(0);
    const nofile = await runCli(['config', 'check', '-c', join(dir, 'nope.yaml')]);
    expect(nofile.stderr).to.include('cannot read: ENOENT');
  });

  it('prints the effective configuration without secrets', async () => {
    const secret = 'sekret-apiban-key-0123456789';
    const result = await runCli(['config', 'print', '--json'], {
      env: { APIBAN_KEY: secret, APIBAN_BASE_URL: 'http://127.0.0.1:9', APIBAN_STATE_DIR: '/tmp/s' },
    });
    expect(result.code, result.stderr).to.equal(0);
    expect(result.stdout + result.stderr).not.to.include(secret);
    const printed = JSON.parse(result.stdout);
    // biome-ignore lint/suspicious/noTemplateCurlyInString: the config's own ${VAR} reference, printed where the key comes from
    expect(printed.apiban).to.include({ key: '${APIBAN_KEY}', baseUrl: 'http://127.0.0.1:9', version: 'v2' });
    expect(printed.state.dir).to.equal('/tmp/s');
  });

  it('redacts URL user info and secret-looking query values wherever a URL appears', async () => {
    const file = join(dir, 'urls.yaml');
    writeFileSync(
      file,
      [
        'apiban: { baseUrl: "https://feeduser:hunter2-pass@apiban.example/" }',
        'sources:',
        '  - { name: a, url: "https://lists.example/a.txt?token=tok-SECRET-1&format=plain" }',
        '  - { name: b, url: "https://TOKEN-ONLY-USER@lists.example/b.txt?Access_Token=tok-SECRET-2&API-KEY=tok-SECRET-3&sig=tok-SECRET-4" }',
        '  - { name: c, url: "https://lists.example/c.txt?page=2" }',
        'serve: { mirror: { enabled: true, tokens: [mirror-token-SECRET] }, access: { bearer: { tokenFile: /etc/feed-token } } }',
      ].join('\n'),
    );
    const result = await runCli(['config', 'print', '--json', '-c', file]);
    expect(result.code, result.stderr).to.equal(0);
    for (const secret of ['hunter2-pass', 'tok-SECRET', 'TOKEN-ONLY-USER', 'mirror-token-SECRET'])
      expect(result.stdout).not.to.include(secret);
    const printed = JSON.parse(result.stdout);
    expect(printed.apiban.baseUrl).to.equal('https://feeduser:<redacted>@apiban.example/');
    expect(printed.sources.map((s: { url: string }) => s.url)).to.deep.equal([
      'https://lists.example/a.txt?token=<redacted>&format=plain',
      'https://<redacted>@lists.example/b.txt?Access_Token=<redacted>&API-KEY=<redacted>&sig=<redacted>',
      'https://lists.example/c.txt?page=2',
    ]);
    expect(printed.serve.mirror.tokens).to.deep.equal(['<redacted>']);
    expect(printed.serve.access.bearer).to.deep.equal({ tokenFile: '/etc/feed-token' });
  });

  it('lists every registered target', async () => {
    const result = await runCli(['targets', '--json']);
    expect(JSON.parse(result.stdout).map((t: { name: string }) => t.name)).to.deep.equal([...TARGET_NAMES]);
    const text = await runCli(['targets']);
    for (const name of TARGET_NAMES) expect(text.stdout).to.match(new RegExp(`^${name} `, 'm'));
    expect((await runCli(['--version'])).stdout.trim()).to.match(/^\d+\.\d+\.\d+$/);
  });
});
