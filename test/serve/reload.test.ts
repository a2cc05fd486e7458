/**
 * A reload that changes what the set is built from (here: the allowlist) replaces the sync
 * service, so the served lists change without a restart. Real sync service, fake APIBAN.
 */
import { expect } from 'chai';
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { LoadedConfig } from '../../src/config/load.js';
import { configSchema } from '../helpers/config-schema.js';
import { silentLogger } from '../../src/log.js';
import { Runtime } from '../../src/runtime/runtime.js';
import { createSyncService } from '../../src/sync/service.js';
import { startFakeApiban, type FakeApiban } from '../helpers/fake-apiban.js';
import { fetchRaw } from './support.js';

const KEY = 'reload-key-4d2a9';

describe('serve: reload replaces the sync service when its settings change', () => {
  let fake: FakeApiban;
  let stateDir: string;
  before(async () => {
    fake = await startFakeApiban({ key: KEY, addresses: ['192.0.2.10', '198.51.100.5', '203.0.113.9'] });
    stateDir = mkdtempSync(join(tmpdir(), 'apiban-reload-'));
  });
  after(() => fake.close());

  const loaded = (allowlist: string[], maxShrink = 0.5): LoadedConfig => ({
    config: configSchema.parse({
      apiban: { key: KEY, baseUrl: fake.url, budget: { requests: 1000, window: '1s' } },
      policy: { allowlist },
      guards: { maxShrink },
    }),
    source: 'test',
    stateDir,
  });

  it('unblocks a newly allowlisted address on reload, and keeps the old service when the new one cannot start', async () => {
    let next = loaded([]);
    let starts = 0;
    const daemon = await Runtime.start({
      loaded: next,
      log: silentLogger,
      http: { listen: '127.0.0.1:0', processMetrics: false },
      reloadConfig: () => next,
      createSync: async (config, log, hooks) => {
        starts++;
        return createSyncService(config, log, hooks);
      },
    });
    const plain = async () => (await fetchRaw(`http://127.0.0.1:${daemon.address.port}/plain.txt`)).body.toString();
    try {
      await daemon.syncNow();
      expect(await plain()).to.include('198.51.100.5\n');

      next = loaded(['198.51.100.5/32']);
      expect(await daemon.reload()).to.equal(true);
      expect(starts).to.equal(2);
      await daemon.syncNow();
      const body = await plain();
      expect(body).not.to.include('198.51.100.5');
      expect(body).to.include('192.0.2.10\n');

      const notADirectory = join(stateDir, 'state.json');
      next = { ...loaded(['198.51.100.5/32']), stateDir: join(notADirectory, 'state') };
      expect(await daemon.reload()).to.equal(false);
      await daemon.syncNow();
      expect(await plain()).to.include('192.0.2.10\n');
    } finally {
      await daemon.shutdown();
    }
  });
});
