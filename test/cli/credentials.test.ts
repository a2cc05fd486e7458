/**
 * Secrets as systemd credentials: `apiban.keyFile` reads the APIBAN key from a file (the unit's
 * LoadCredential= copy under ${CREDENTIALS_DIRECTORY}), and `config check --credentials-dir DIR`
 * checks such a configuration on the host, where systemd sets no CREDENTIALS_DIRECTORY.
 */
import { expect } from 'chai';
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { loadConfig } from '../../src/cli/load-config.js';
import { ConfigError } from '../../src/errors.js';
import { runCli } from '../helpers/cli.js';
import { startFakeApiban, type FakeApiban } from '../helpers/fake-apiban.js';
import { tempDir } from '../sync/support.js';

// biome-ignore lint/suspicious/noTemplateCurlyInString: the config's own ${VAR} substitution, not a template
const FROM_CREDENTIALS = 'apiban:\n  keyFile: ${CREDENTIALS_DIRECTORY}/apiban-key\n';

describe('secrets as systemd credentials: apiban.keyFile, config check --credentials-dir', function () {
  this.timeout(60_000);
  let dir: ReturnType<typeof tempDir>;
  beforeEach(() => {
    dir = tempDir('apiban-credentials-');
  });
  afterEach(() => dir.remove());

  function file(name: string, content: string): string {
    const path = join(dir.path, name);
    writeFileSync(path, content, { mode: 0o600 });
    return path;
  }
  async function problemsOf(yaml: string, env: Record<string, string> = {}): Promise<string[]> {
    try {
      await loadConfig(file('c.yaml', yaml), env);
      return [];
    } catch (error) {
      if (!(error instanceof ConfigError)) throw error;
      return error.problems;
    }
  }

  it('reads the key from keyFile, without the trailing newline an editor adds', async () => {
    const keyFile = file('key', 'k-0123456789\n');
    const loaded = await loadConfig(file('c.yaml', `apiban:\n  keyFile: ${keyFile}\n`), {});
    expect(loaded.config.apiban.key).to.equal('k-0123456789');
  });

  it('refuses a missing or empty key file, and key with keyFile, naming apiban.keyFile', async () => {
    const missing = join(dir.path, 'nowhere');
    expect(await problemsOf(`apiban:\n  keyFile: ${missing}\n`)).to.deep.equal([
      `apiban.keyFile: cannot read the secret file ${missing} (ENOENT)`,
    ]);
    const empty = file('empty', '\n');
    expect(await problemsOf(`apiban:\n  keyFile: ${empty}\n`)).to.deep.equal([`apiban.keyFile: ${empty} is empty`]);
    const keyFile = file('key', 'k-0123456789');
    expect(await problemsOf(`apiban:\n  key: other\n  keyFile: ${keyFile}\n`)).to.deep.equal([
      'apiban: give one of key or keyFile, not both',
    ]);
  });

  it('lets APIBAN_KEY override the file, which must still be readable', async () => {
    const keyFile = file('key', 'from-file');
    const loaded = await loadConfig(file('c.yaml', `apiban:\n  keyFile: ${keyFile}\n`), { APIBAN_KEY: 'from-env' });
    expect(loaded.config.apiban.key).to.equal('from-env');
    expect(await problemsOf(`apiban:\n  keyFile: ${join(dir.path, 'gone')}\n`, { APIBAN_KEY: 'from-env' })).to.have.length(1);
  });

  describe('config check --credentials-dir', () => {
    const check = (args: string[]) =>
      runCli(['-c', file('c.yaml', FROM_CREDENTIALS), 'config', 'check', ...args], { env: { APIBAN_STATE_DIR: join(dir.path, 'state') } });

    it('reads CREDENTIALS_DIRECTORY as DIR, so the file systemd would copy is checked', async () => {
      file('apiban-key', 'k-0123456789\n');
      const result = await check(['--credentials-dir', dir.path]);
      expect(result.code, result.stderr).to.equal(0);
      expect(result.stdout).to.match(/c\.yaml: ok/);
    });

    it('names the missing credential file under DIR', async () => {
      const result = await check(['--credentials-dir', dir.path]);
      expect(result.code).to.equal(2);
      expect(result.stderr).to.include(`apiban.keyFile: cannot read the secret file ${join(dir.path, 'apiban-key')} (ENOENT)`);
    });

    it('without it, says CREDENTIALS_DIRECTORY is not set; with a DIR that is no directory, says so', async () => {
      const bare = await check([]);
      expect(bare.code).to.equal(2);
      expect(bare.stderr).to.include('apiban.keyFile: environment variable CREDENTIALS_DIRECTORY is not set');
      const wrong = await check(['--credentials-dir', join(dir.path, 'c.yaml')]);
      expect(wrong.code).to.equal(2);
      expect(wrong.stderr).to.include(`${join(dir.path, 'c.yaml')}: not a directory`);
    });
  });

  describe('the key from the file reaches APIBAN', () => {
    let fake: FakeApiban;
    before(async () => {
      fake = await startFakeApiban({ addresses: ['198.51.100.7'] });
    });
    after(() => fake.close());

    it('syncs with the key file (the fake answers 403 to any other key)', async () => {
      const yaml = `${FROM_CREDENTIALS}  baseUrl: ${fake.url}\n`;
      const env = { CREDENTIALS_DIRECTORY: dir.path, APIBAN_STATE_DIR: join(dir.path, 'state') };
      file('apiban-key', 'not-the-key\n');
      const refused = await runCli(['-c', file('c.yaml', yaml), 'sync'], { env });
      expect(refused.code, refused.stderr).to.equal(3);
      file('apiban-key', `${fake.key}\n`);
      const synced = await runCli(['-c', file('c.yaml', yaml), 'sync'], { env });
      expect(synced.code, synced.stderr).to.equal(0);
      expect(fake.requests.at(-1)?.authorization).to.equal(`Bearer ${fake.key}`);
    });
  });
});
