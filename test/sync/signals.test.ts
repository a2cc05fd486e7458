/**
 * SIGTERM and SIGINT during `sync` (real CLI): exit 130 as the README says, with the cursor it
 * reached saved and the state lock released, so the next run resumes at once.
 */
import { expect } from 'chai';
import { spawn } from 'node:child_process';
import { existsSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { readStateFile } from '../../src/sync/store.js';
import { CLI } from '../helpers/paths.js';
import { runCli } from '../helpers/cli.js';
import { startFakeApiban, type FakeApiban } from '../helpers/fake-apiban.js';
import { manyAddresses, tempDir } from './support.js';

describe('sync: SIGTERM/SIGINT save the cursor, release the lock and exit 130', function () {
  this.timeout(90_000);
  let fake: FakeApiban;
  let dir: ReturnType<typeof tempDir>;
  let configFile: string;
  const stateDir = () => join(dir.path, 'state');
  const env = () => ({ PATH: process.env.PATH, APIBAN_KEY: fake.key, APIBAN_STATE_DIR: stateDir() });

  beforeEach(async () => {
    dir = tempDir();
    fake = await startFakeApiban({ addresses: manyAddresses(3000) });
    configFile = join(dir.path, 'config.json');
    writeFileSync(configFile, JSON.stringify({ apiban: { baseUrl: fake.url, budget: { requests: 100, window: '1s' } } }));
  });
  afterEach(async () => {
    fake.onRequest = undefined;
    await fake.close();
    dir.remove();
  });

  for (const signal of ['SIGTERM', 'SIGINT'] as const) {
    it(`${signal} after three pages`, async () => {
      const child = spawn(process.execPath, [CLI, '-c', configFile, 'sync'], { env: env(), stdio: 'ignore' });
      const exited = new Promise<number | null>((resolve) => child.on('exit', (code) => resolve(code)));
      // Slow answers from the fourth page on: the signal arrives while a request is in flight.
      fake.onRequest = async () => {
        if (fake.pages().length < 4) return;
        child.kill(signal);
        await new Promise((resolve) => setTimeout(resolve, 300));
      };
      expect(await exited).to.equal(130);
      fake.onRequest = undefined;
      const saved = await readStateFile(stateDir());
      expect(saved?.fullResync?.entries.size).to.equal(750);
      expect(existsSync(join(stateDir(), 'owner.json')), 'lock released').to.equal(false);
      const rerun = await runCli(['-c', configFile, 'sync'], { env: env(), timeoutMs: 60_000 });
      expect(rerun.code, rerun.stderr).to.equal(0);
      expect(rerun.stdout).to.match(/sync ok: full, 9 page\(s\)/);
    });
  }
});
