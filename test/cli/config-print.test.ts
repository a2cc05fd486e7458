// biome-ignore-all lint/suspicious/noTemplateCurlyInString: these tests write and read the configuration's own ${VAR} references
/**
 * `config print` round-trips: what it prints passes `config check -c -`, loads to the very same
 * configuration, and printing it again gives the same text. Durations keep their units and
 * secrets their `${VAR}` or file; a secret written inline prints as a placeholder that loading
 * refuses, so a printed file never runs with a placeholder for a secret.
 */
import { expect } from 'chai';
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { loadConfig } from '../../src/cli/load-config.js';
import { runCli } from '../helpers/cli.js';
import { tempDir } from '../sync/support.js';

describe('cli config print: round trip', function () {
  this.timeout(60_000);
  let dir: ReturnType<typeof tempDir>;
  beforeEach(() => {
    dir = tempDir('apiban-print-');
  });
  afterEach(() => dir.remove());

  const secrets = { FEED_KEY: 'apiban-key-0123456789abcdef', FW_BEARER: 'bearer-token-0123456789', FW_PASSWORD: 'pw-0123456789' };

  function configFile(): string {
    const file = join(dir.path, 'c.yaml');
    writeFileSync(join(dir.path, 'path-token'), 'path-token-0123456789\n', { mode: 0o600 });
    writeFileSync(
      file,
      [
        'apiban: { key: "${FEED_KEY}", timeout: 45s, budget: { window: 2m } }',
        `state: { dir: ${join(dir.path, 'state')} }`,
        'sync: { interval: 300, expiry: 3d }',
        'outputs: [ { name: pf, target: pfsense }, { name: edl, target: plain, path: /edl.txt } ]',
        'serve:',
        '  listen: ":0"',
        '  timeouts: { headers: 2500ms }',
        `  outputAccess: { pf: { pathToken: { tokenFile: ${join(dir.path, 'path-token')} } }, edl: { bearer: { token: "\${FW_BEARER}" } } }`,
        'push:',
        '  devices:',
        '    - { name: fw1, driver: linux-nftables, host: 127.0.0.1, timeout: 90s, credentials: { username: u, passwordEnv: FW_PASSWORD } }',
      ].join('\n'),
    );
    return file;
  }

  it('prints what passes config check from standard input, loads the same, and reprints identically', async () => {
    const file = configFile();
    const printed = await runCli(['-c', file, 'config', 'print'], { env: secrets });
    expect(printed.code, printed.stderr).to.equal(0);
    for (const line of ['interval: 300', 'expiry: 3d', 'timeout: 45s', 'window: 2m', 'headers: 2500ms', 'fullResync: 7d', 'keepAlive: 5s'])
      expect(printed.stdout).to.include(line);
    expect(printed.stdout).to.include('key: ${FEED_KEY}').and.include('token: ${FW_BEARER}').and.include('passwordEnv: FW_PASSWORD');
    for (const secret of Object.values(secrets)) expect(printed.stdout).not.to.include(secret);

    const checked = await runCli(['config', 'check', '-c', '-'], { env: secrets, input: printed.stdout });
    expect(checked.code, checked.stderr).to.equal(0);
    expect(checked.stdout).to.include('standard input: ok (2 outputs, 1 devices)');
    const again = await runCli(['config', 'print', '-c', '-'], { env: secrets, input: printed.stdout });
    expect(again.stdout).to.equal(printed.stdout);

    const reprinted = join(dir.path, 'printed.yaml');
    writeFileSync(reprinted, printed.stdout);
    const [original, copy] = await Promise.all([loadConfig(file, secrets), loadConfig(reprinted, secrets)]);
    expect(copy.config).to.deep.equal(original.config);
  });

  it('shows APIBAN_KEY from the environment as ${APIBAN_KEY}, and JSON the same way', async () => {
    const result = await runCli(['config', 'print', '--json'], { env: { APIBAN_KEY: secrets.FEED_KEY } });
    expect(result.code, result.stderr).to.equal(0);
    expect(JSON.parse(result.stdout).apiban.key).to.equal('${APIBAN_KEY}');
    const checked = await runCli(['config', 'check', '--schema-only', '-c', '-'], {
      env: { APIBAN_KEY: secrets.FEED_KEY },
      input: result.stdout,
    });
    expect(checked.code, checked.stderr).to.equal(0);
  });

  it('prints an inline secret as <redacted>, which config check then refuses by path', async () => {
    const file = join(dir.path, 'inline.yaml');
    writeFileSync(
      file,
      'apiban: { key: inline-apiban-key-0123 }\nserve: { access: { basic: { username: fw, password: hunter2-inline } } }\n',
    );
    const printed = await runCli(['-c', file, 'config', 'print']);
    expect(printed.stdout).not.to.include('inline-apiban-key').and.not.to.include('hunter2');
    expect(printed.stdout).to.include('key: <redacted>');
    const checked = await runCli(['config', 'check', '--schema-only', '-c', '-'], { input: printed.stdout });
    expect(checked.code).to.equal(2);
    expect(checked.stderr)
      .to.include('apiban.key: holds <redacted> from `config print`; put the secret back')
      .and.include('serve.access.basic.password: holds <redacted>');
  });
});
