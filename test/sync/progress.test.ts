/**
 * `sync` progress for a terminal: pages and entries so far, and why it waits. The renderer is
 * fed events directly; the CLI run forces it on (APIBAN_EXPORTER_PROGRESS=1, tests have no
 * terminal) against a fake APIBAN whose budget makes the pacer wait.
 */
import { expect } from 'chai';
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { ProgressRenderer } from '../../src/sync/progress.js';
import { runCli } from '../helpers/cli.js';
import { startFakeApiban } from '../helpers/fake-apiban.js';
import { manyAddresses, tempDir } from './support.js';

describe('sync progress on a terminal', () => {
  it('renders pages, entries and the reason for a wait on one rewritten line', () => {
    let text = '';
    const renderer = new ProgressRenderer({
      write: (chunk: string) => {
        text += chunk;
      },
    });
    renderer.onProgress({ kind: 'page', pages: 3, entries: 750 });
    renderer.onProgress({ kind: 'wait', ms: 46_200, reason: 'budget', budget: { requests: 11, windowMs: 120_000 } });
    renderer.onProgress({ kind: 'wait', ms: 5000, reason: 'rate-limited', budget: { requests: 11, windowMs: 120_000 } });
    renderer.finish();
    const lines = text.split('\r\x1b[K').filter((l) => l !== '');
    expect(lines).to.deep.equal([
      'sync: 3 page(s), 750 entries so far',
      'sync: 3 page(s), 750 entries so far; waiting 47 s: APIBAN allows 11 requests per 2 minutes',
      'sync: 3 page(s), 750 entries so far; waiting 5 s: APIBAN answered 429 (rate limited), waiting out its window',
    ]);
    expect(text.endsWith('\r\x1b[K')).to.equal(true);
  });

  it('shows progress on stderr when forced, and never with --json', async function () {
    this.timeout(60_000);
    const fake = await startFakeApiban({ addresses: manyAddresses(1000) });
    const dir = tempDir();
    try {
      const configFile = join(dir.path, 'config.json');
      writeFileSync(configFile, JSON.stringify({ apiban: { baseUrl: fake.url, budget: { requests: 2, window: '1s' } } }));
      const env = { APIBAN_KEY: fake.key, APIBAN_STATE_DIR: join(dir.path, 'state'), APIBAN_EXPORTER_PROGRESS: '1' };
      const shown = await runCli(['-c', configFile, 'sync'], { env });
      expect(shown.code, shown.stderr).to.equal(0);
      expect(shown.stderr).to.include('sync: 4 page(s), 1000 entries so far');
      expect(shown.stderr).to.match(/waiting \d+ s: APIBAN allows 2 requests per second/);
      const json = await runCli(['-c', configFile, '--json', 'sync', '--full'], { env });
      expect(json.code, json.stderr).to.equal(0);
      expect(json.stderr).not.to.include('entries so far');
    } finally {
      await fake.close();
      dir.remove();
    }
  });
});
