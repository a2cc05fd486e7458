import { expect } from 'chai';
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { runCli } from '../helpers/cli.js';
import { startFakeApiban, type FakeApiban } from '../helpers/fake-apiban.js';
import { tempDir } from '../sync/support.js';

describe('cli history and check IP history', function () {
  this.timeout(90_000);
  let fake: FakeApiban;
  let dir: ReturnType<typeof tempDir>;
  let configFile: string;
  const env = () => ({ APIBAN_KEY: fake.key, APIBAN_STATE_DIR: join(dir.path, 'state') });
  const cli = (...args: string[]) => runCli(['-c', configFile, ...args], { env: env() });
  const writeConfig = (allowlist: string[]) =>
    writeFileSync(
      configFile,
      JSON.stringify({
        apiban: { baseUrl: fake.url, budget: { requests: 50, window: '1s' } },
        policy: { allowlist },
      }),
    );

  before(async () => {
    dir = tempDir();
    fake = await startFakeApiban({ addresses: ['198.51.100.7', '203.0.113.9', '2001:db8::5'] });
    configFile = join(dir.path, 'config.json');
    writeConfig([]);
    expect((await cli('sync')).code).to.equal(0);
    fake.add(['198.51.100.8']);
    expect((await cli('sync')).code).to.equal(0);
    fake.remove(['203.0.113.9']);
    expect((await cli('sync', '--full')).code).to.equal(0);
    writeConfig(['198.51.100.8']);
    expect((await cli('sync')).code).to.equal(0);
  });
  after(async () => {
    await fake.close();
    dir.remove();
  });

  it('lists each sync with kind, outcome and the addresses added and removed, with the reason', async () => {
    const result = await cli('history');
    expect(result.code, result.stderr).to.equal(0);
    const lines = result.stdout.trim().split('\n');
    expect(lines[0]).to.match(/^\d{4}-\d\d-\d\dT.*Z {2}full {9}ok {2}\+3 -0 {2}\(3 entries: 2 v4, 1 v6\)$/);
    expect(lines[1]).to.equal('    + 198.51.100.7 203.0.113.9 2001:db8::5');
    expect(lines.slice(2)).to.deep.include.members(['    + 198.51.100.8', '    - resync 203.0.113.9', '    - excluded 198.51.100.8']);
    expect(lines.filter((l) => /Z {2}(full|incremental) /.test(l)).map((l) => l.split(/\s+/).slice(1, 4).join(' '))).to.deep.equal([
      'full ok +3',
      'incremental ok +1',
      'full ok +0',
      'incremental ok +0',
    ]);
  });

  it('gives the same events as JSON, and --since leaves older ones out', async () => {
    const all = JSON.parse((await cli('--json', 'history')).stdout) as { events: Array<{ addedCount: number; removedCount: number }> };
    expect(all.events.map((e) => [e.addedCount, e.removedCount])).to.deep.equal([
      [3, 0],
      [1, 0],
      [0, 1],
      [0, 1],
    ]);
    const none = await cli('history', '--since', '1ms');
    expect(none.stdout).to.match(/^no sync recorded since /);
    const bad = await cli('history', '--since', 'yesterday');
    expect(bad.code).to.not.equal(0);
    expect(bad.stderr).to.include('--since').and.include('"yesterday" is not a duration');
  });

  it('check shows when an address was listed, removed by a full resync, or allowlisted', async () => {
    const resynced = await cli('check', '--no-remote', '203.0.113.9');
    expect(resynced.stdout).to.match(
      /history:\n {4}\S+Z {2}listed \(full sync\): 203\.0\.113\.9\n {4}\S+Z {2}removed by a full resync: 203\.0\.113\.9/,
    );
    const allowed = await cli('check', '--no-remote', '198.51.100.8');
    expect(allowed.stdout).to.match(
      /listed \(incremental sync\): 198\.51\.100\.8\n {4}\S+Z {2}excluded by the policy \(allowlisted or protected\): 198\.51\.100\.8/,
    );
    const json = JSON.parse((await cli('--json', 'check', '--no-remote', '198.51.100.0/24')).stdout) as {
      history: { changes: number; recent: Array<{ change: string; entry: string }> };
    };
    expect(json.history.changes).to.equal(3);
    expect(json.history.recent.map((h) => `${h.change} ${h.entry}`)).to.deep.equal([
      'listed 198.51.100.7',
      'listed 198.51.100.8',
      'excluded 198.51.100.8',
    ]);
    expect((await cli('check', '--no-remote', '192.0.2.1')).stdout).to.include('history: no change recorded');
  });
});
