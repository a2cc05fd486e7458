/** What a real run writes to stderr: bounded lines (a feed entry is never logged whole), each field once. */
import { expect } from 'chai';
import { readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { runCli } from '../helpers/cli.js';
import { startFakeApiban } from '../helpers/fake-apiban.js';
import { manyAddresses, tempDir } from '../sync/support.js';

describe('cli log lines', function () {
  this.timeout(60_000);

  it('logs an invalid 100,000-character feed entry cut short, with one component per JSON line', async () => {
    const huge = `not-an-address-${'z'.repeat(99_985)}`;
    const fake = await startFakeApiban({ addresses: [...manyAddresses(20), huge] });
    const dir = tempDir();
    try {
      const config = join(dir.path, 'c.yaml');
      writeFileSync(config, `apiban:\n  baseUrl: ${fake.url}\n  budget: { requests: 50, window: 1s }\n`);
      const result = await runCli(['-c', config, '--log-format', 'json', 'sync'], {
        env: { APIBAN_KEY: fake.key, APIBAN_STATE_DIR: join(dir.path, 'state') },
      });
      expect(result.code, result.stderr.slice(0, 2000)).to.equal(0);
      const lines = result.stderr.split('\n').filter(Boolean);
      const dropped = lines.find((line) => line.includes('not addresses'));
      expect(dropped, result.stderr.slice(0, 2000)).to.include('not-an-address-zzz').and.include('… (100000 characters)');
      for (const line of lines) {
        expect(line.length).to.be.below(3000);
        expect(line.match(/"component":/g)?.length ?? 0, line).to.be.at.most(1);
      }
    } finally {
      await fake.close();
      dir.remove();
    }
  });

  it('warns about a state entry that is valid JSON but not an address, instead of dropping it silently', async () => {
    const fake = await startFakeApiban({ addresses: manyAddresses(20) });
    const dir = tempDir();
    try {
      const config = join(dir.path, 'c.yaml');
      writeFileSync(config, `apiban:\n  baseUrl: ${fake.url}\n  budget: { requests: 50, window: 1s }\n`);
      const env = { APIBAN_KEY: fake.key, APIBAN_STATE_DIR: join(dir.path, 'state') };
      expect((await runCli(['-c', config, 'sync'], { env })).code).to.equal(0);
      const stateFile = join(dir.path, 'state', 'state.json');
      const state = JSON.parse(readFileSync(stateFile, 'utf8')) as { entries: { addresses: string[] } };
      state.entries.addresses[3] = 'not-an-address';
      writeFileSync(stateFile, JSON.stringify(state));
      // The next run that loads the state (a sync) reports it; the published set never held it.
      const result = await runCli(['-c', config, '--log-format', 'json', 'sync'], { env });
      expect(result.code, result.stderr).to.equal(0);
      const warning = result.stderr.split('\n').find((line) => line.includes('not an address'));
      expect(warning, result.stderr)
        .to.include('"component":"state"')
        .and.include('"example":"not-an-address"')
        .and.include('state file holds 1 entry that is not an address: dropped');
      const exported = await runCli(['-c', config, 'export', '-t', 'plain'], { env });
      expect(exported.stdout).not.to.include('not-an-address');
    } finally {
      await fake.close();
      dir.remove();
    }
  });
});
