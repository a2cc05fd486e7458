/**
 * `promtool check metrics` (Debian's prometheus package; .ci/run installs it) on a scrape with
 * every metric family in use: no lint problem at all, and promtool is seen to flag a gauge named
 * `_total`, so a clean answer means something.
 */
import { expect } from 'chai';
import { spawnSync } from 'node:child_process';
import { existsSync } from 'node:fs';
import { skipWhen } from '../helpers/skip.js';
import { fullScrape } from './metrics-scrape.js';

const PROMTOOL = '/usr/bin/promtool';

function promtool(text: string): { status: number | null; output: string } {
  const run = spawnSync(PROMTOOL, ['check', 'metrics'], { input: text, encoding: 'utf8' });
  return { status: run.status, output: `${run.stdout}${run.stderr}` };
}

describe('serve: /metrics passes promtool check metrics', () => {
  before(function () {
    skipWhen(this, existsSync(PROMTOOL) ? undefined : `${PROMTOOL} not found (Debian package prometheus)`);
  });

  it('reports no problem on a full scrape', async () => {
    const result = promtool(await fullScrape());
    expect(result.output).to.equal('');
    expect(result.status).to.equal(0);
  });

  it('flags a gauge named like a counter (the check is live)', () => {
    const result = promtool('# HELP x_things_total t\n# TYPE x_things_total gauge\nx_things_total 1\n');
    expect(result.output).to.include('non-counter metrics should not have "_total" suffix');
    expect(result.status).to.not.equal(0);
  });
});
