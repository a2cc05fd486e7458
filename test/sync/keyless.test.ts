/**
 * No APIBAN key: configured local lists are the whole set (the sample never mixes in); with
 * nothing configured serve, sync and push refuse, and only the one-off export falls back to the
 * bundled sample, saying so. Runs the real CLI.
 */
import { expect } from 'chai';
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { runCli } from '../helpers/cli.js';

describe('sync/keyless: local lists without APIBAN', () => {
  let dir: string;
  let config: string;
  beforeEach(() => {
    dir = mkdtempSync(join(tmpdir(), 'apiban-keyless-'));
    writeFileSync(join(dir, 'manual.txt'), '# our own bans\n198.18.7.1\n198.18.9.0/24\n2001:db8:77::/48\n');
    config = join(dir, 'config.yaml');
    writeFileSync(config, `sources:\n  - { name: manual, file: ${join(dir, 'manual.txt')} }\n`);
  });
  const env = () => ({ APIBAN_STATE_DIR: join(dir, 'state') });

  it('exports the local sources only, and says so', async () => {
    const result = await runCli(['-c', config, 'export', '-t', 'plain', '-o', 'header=false'], { env: env() });
    expect(result.code, result.stderr).to.equal(0);
    expect(result.stdout).to.equal('198.18.7.1\n198.18.9.0/24\n2001:db8:77::/48\n');
    expect(result.stderr).to.include('local sources only').and.not.include('bundled sample');
  });

  it('syncs and serves the same local-only set (sync, then export from the published state)', async () => {
    const sync = await runCli(['-c', config, 'sync', '--json'], { env: env() });
    expect(sync.code, sync.stderr).to.equal(0);
    expect(JSON.parse(sync.stdout).published).to.include({ source: 'local' });
    const text = await runCli(['-c', config, 'sync'], { env: env() });
    expect(text.stdout).to.match(/no APIBAN key configured, publishing the local sources only: 3 entries/);
    const check = await runCli(['-c', config, 'check', '192.0.2.10', '--no-remote'], { env: env() });
    expect(check.stdout).to.include('not listed').and.include('from the local sources (no APIBAN key)');
  });

  it('lets only export fall back to the bundled sample when neither a key nor a source is configured', async () => {
    const bare = join(dir, 'bare.yaml');
    writeFileSync(bare, 'policy: { aggregate: false }\n');
    const result = await runCli(['-c', bare, 'export', '-t', 'plain', '-o', 'header=false'], { env: env() });
    expect(result.code, result.stderr).to.equal(0);
    expect(result.stdout).to.include('192.0.2.10\n');
    expect(result.stderr).to.include('no APIBAN key and no sources configured: using the bundled sample list');
  });

  for (const command of [['sync'], ['serve', '--listen', '127.0.0.1:0'], ['push', '--all']]) {
    it(`${command[0]} refuses with one line naming APIBAN_KEY and sources when neither is configured`, async () => {
      const bare = join(dir, 'bare.yaml');
      writeFileSync(bare, 'policy: { aggregate: false }\n');
      const result = await runCli(['-c', bare, ...command], { env: env() });
      expect(result.code, result.stderr).to.equal(2);
      expect(result.stderr.trim().split('\n'), result.stderr).to.have.length(1);
      expect(result.stderr).to.match(/^\[config\] no APIBAN key and no sources: set APIBAN_KEY .*`sources`/);
    });
  }

  it('names the sample once in check when a source asks for it', async () => {
    writeFileSync(config, 'sources: [{ name: sample, sample: true }]\n');
    const sync = await runCli(['-c', config, 'sync', '--json'], { env: env() });
    expect(JSON.parse(sync.stdout).published).to.include({ source: 'sample' });
    const check = await runCli(['-c', config, 'check', '192.0.2.10', '--no-remote'], { env: env() });
    expect(check.code, check.stderr).to.equal(0);
    // Listed once, by the source that asked for it, not a second time as the fallback sample.
    const listers = check.stdout.split('\n').filter((line) => line.endsWith(': 192.0.2.10') && !line.includes('listed'));
    expect(listers, check.stdout).to.deep.equal(['  local source sample: 192.0.2.10']);
    expect(check.stdout).to.include('from the bundled sample (no APIBAN key)');
  });
});
