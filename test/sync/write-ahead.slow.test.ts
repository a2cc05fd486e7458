/**
 * Requests are written ahead: `sync` killed with -9 while its request is in flight, twice, never
 * makes the next process send more than apiban.budget in any window (real CLI, fake APIBAN with
 * the same window). Before the journal, each restart forgot the request in flight, so the third
 * process sent at once: three requests where the budget allows two (the window is long enough
 * for three CLI starts on a busy machine, so that mistake cannot slip through).
 */
import { expect } from 'chai';
import { spawn } from 'node:child_process';
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { CLI_ARGS } from '../helpers/paths.js';
import { runCli } from '../helpers/cli.js';
import { startFakeApiban, type FakeApiban } from '../helpers/fake-apiban.js';
import { manyAddresses, tempDir } from './support.js';

const BUDGET = { requests: 2, windowMs: 4000 };
/**
 * The request timeout: a request in flight counts from its send plus this (pacer.ts), so it must
 * cover the time from the journal write to the fake's receipt, which a busy machine stretches.
 */
const TIMEOUT = '3s';

describe('sync: the APIBAN budget survives kill -9 (write-ahead request log)', function () {
  this.timeout(120_000);
  let fake: FakeApiban;
  let dir: ReturnType<typeof tempDir>;
  let configFile: string;
  const env = () => ({ PATH: process.env.PATH, APIBAN_KEY: fake.key, APIBAN_STATE_DIR: join(dir.path, 'state') });

  beforeEach(async () => {
    dir = tempDir();
    fake = await startFakeApiban({ addresses: manyAddresses(20), limit: BUDGET });
    configFile = join(dir.path, 'config.json');
    writeFileSync(
      configFile,
      JSON.stringify({
        apiban: { baseUrl: fake.url, timeout: TIMEOUT, budget: { requests: BUDGET.requests, window: `${BUDGET.windowMs}ms` } },
      }),
    );
  });
  afterEach(async () => {
    fake.onRequest = undefined;
    await fake.close();
    dir.remove();
  });

  /** Starts `sync` and kills it with -9 as soon as its first request reaches the fake. */
  async function killedInFlight(): Promise<void> {
    const child = spawn(process.execPath, [...CLI_ARGS, '-c', configFile, 'sync'], { env: env(), stdio: 'ignore' });
    const exited = new Promise<void>((resolve) => child.on('exit', () => resolve()));
    fake.onRequest = async () => {
      child.kill('SIGKILL');
      await exited;
    };
    await exited;
    fake.onRequest = undefined;
  }

  it('never exceeds the budget in any window across two kills and a final run', async () => {
    for (let i = 0; i < 2; i++) await killedInFlight();
    const result = await runCli(['-c', configFile, 'sync'], { env: env(), timeoutMs: 60_000 });
    expect(result.code, result.stderr).to.equal(0);
    expect(fake.requests.map((r) => r.status)).not.to.include(429);
    const times = fake.requests.map((r) => r.time);
    for (const start of times) {
      expect(times.filter((t) => t >= start && t < start + BUDGET.windowMs).length, `requests at ${times.join(', ')}`).to.be.at.most(
        BUDGET.requests,
      );
    }
  });
});
