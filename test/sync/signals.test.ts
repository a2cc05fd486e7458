/**
 * SIGTERM and SIGINT during `sync` (real CLI): exit 130 as the README says, with the cursor it
 * reached saved and the state lock released, so the next run resumes at once.
 */
import { expect } from 'chai';
import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { readStateFile } from '../../src/sync/store.js';
import { useSyncChild } from './sync-child.js';

describe('sync: SIGTERM/SIGINT save the cursor, release the lock and exit 130', function () {
  this.timeout(90_000);
  const fixture = useSyncChild(3000, 100);

  for (const signal of ['SIGTERM', 'SIGINT'] as const) {
    it(`${signal} after three pages`, async () => {
      const child = fixture.start();
      const exited = new Promise<number | null>((resolve) => child.on('exit', (code) => resolve(code)));
      // Slow answers from the fourth page on: the signal arrives while a request is in flight.
      fixture.fake.onRequest = async () => {
        if (fixture.fake.pages().length < 4) return;
        child.kill(signal);
        await new Promise((resolve) => setTimeout(resolve, 300));
      };
      expect(await exited).to.equal(130);
      fixture.fake.onRequest = undefined;
      const saved = await readStateFile(fixture.stateDir);
      expect(saved?.fullResync?.entries.size).to.equal(750);
      expect(existsSync(join(fixture.stateDir, 'owner.json')), 'lock released').to.equal(false);
      const rerun = await fixture.run();
      expect(rerun.code, rerun.stderr).to.equal(0);
      expect(rerun.stdout).to.match(/sync ok: full, 9 page\(s\)/);
    });
  }
});
