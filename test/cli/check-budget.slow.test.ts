/**
 * One budget for every command (real CLI, child processes): serve syncs continuously under a
 * budget of 3 requests per window (10 s compressed to 2 s) while `check` asks APIBAN again and
 * again beside it. Both write the one request journal before they send, so the fake APIBAN, whose
 * sliding window answers 429 for real, sees no window over the budget and answers no 429; some
 * checks get their answer, the others say they were not asked and when to try again.
 */
import { expect } from 'chai';
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { runCli } from '../helpers/cli.js';
import { startFakeApiban, type FakeApiban } from '../helpers/fake-apiban.js';
import { startServe, waitFor, type ServeProcess } from '../helpers/serve-process.js';
import { fetchRaw } from '../serve/support.js';
import { tempDir } from '../sync/support.js';

const BUDGET = { requests: 3, windowMs: 2000 };
const CHECKING_MS = 8000;

describe('one APIBAN budget for serve and check (real CLI)', function () {
  this.timeout(120_000);
  let fake: FakeApiban;
  let dir: ReturnType<typeof tempDir>;
  let serve: ServeProcess | undefined;

  beforeEach(async () => {
    dir = tempDir('apiban-one-budget-');
    fake = await startFakeApiban({ addresses: ['198.51.100.7', '203.0.113.9'], limit: BUDGET });
  });
  afterEach(async () => {
    if (serve !== undefined && serve.child.exitCode === null && serve.child.signalCode === null) {
      serve.child.kill('SIGKILL');
      await serve.exited;
    }
    await fake.close();
    dir.remove();
  });

  it('keeps serve and check together inside the budget: no window over it, no 429', async () => {
    const config = join(dir.path, 'config.json');
    writeFileSync(
      config,
      JSON.stringify({
        apiban: { baseUrl: fake.url, timeout: '2s', budget: { requests: BUDGET.requests, window: `${BUDGET.windowMs}ms` } },
        state: { dir: join(dir.path, 'state') },
        sync: { interval: '1s' },
      }),
    );
    const env = { APIBAN_KEY: fake.key };
    serve = await startServe(config, env);
    const port = serve.port;
    await waitFor(async () => (await fetchRaw(`http://127.0.0.1:${port}/healthz`)).status === 200, "serve's first sync");
    const answers: string[] = [];
    const checker = async () => {
      for (const end = Date.now() + CHECKING_MS; Date.now() < end; ) {
        const result = await runCli(['-c', config, 'check', '198.51.100.7'], { env });
        answers.push(result.stdout.split('\n').find((line) => line.startsWith('APIBAN check')) ?? result.stdout);
      }
    };
    await Promise.all([checker(), checker()]);
    const log = fake.requests.map((r) => ({ time: r.time, status: r.status, operation: r.operation }));
    expect(
      log.filter((r) => r.status === 429),
      'no 429',
    ).to.deep.equal([]);
    for (const first of log) {
      const inWindow = log.filter((r) => r.time >= first.time && r.time < first.time + BUDGET.windowMs);
      expect(inWindow.length, `requests in the window from ${first.time}`).to.be.at.most(BUDGET.requests);
    }
    const syncs = log.filter((r) => r.operation === 'get').length;
    const checks = log.filter((r) => r.operation === 'check').length;
    expect(syncs, 'serve kept syncing').to.be.at.least(4);
    expect(checks, `checks that reached APIBAN (answers: ${answers.join(' | ')})`).to.be.at.least(1);
    expect(answers.filter((a) => a.startsWith('APIBAN check: listed')).length).to.equal(checks);
    for (const answer of answers) expect(answer).to.match(/^APIBAN check: listed|^APIBAN check failed: not asked: .* try again in \d+ s/);
  });
});
