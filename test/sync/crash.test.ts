/**
 * Crash tests: the real CLI in a child process, killed with SIGKILL between pages (the fake
 * APIBAN kills it when page N+1 is asked for), with its state file truncated or its state
 * directory removed, and two of them at once. After each, the next run resumes or rebuilds and
 * nothing partial is ever published.
 */
import { expect } from 'chai';
import { spawn, type ChildProcess } from 'node:child_process';
import { existsSync, readdirSync, readFileSync, rmSync, truncateSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { silentLogger } from '../../src/log.js';
import { computePublishedSet } from '../../src/sync/service.js';
import { readPublishedFile, readStateFile } from '../../src/sync/store.js';
import { loadConfig } from '../../src/config/load.js';
import { CLI } from '../helpers/paths.js';
import { runCli } from '../helpers/cli.js';
import { startFakeApiban, type FakeApiban } from '../helpers/fake-apiban.js';
import { manyAddresses, tempDir } from './support.js';

describe('sync crash safety (child processes, kill -9)', function () {
  this.timeout(60_000);
  let fake: FakeApiban;
  let dir: ReturnType<typeof tempDir>;
  let configFile: string;
  let stateDir: string;
  const env = () => ({ APIBAN_KEY: fake.key, APIBAN_STATE_DIR: stateDir });
  const sync = (...args: string[]) => runCli(['-c', configFile, 'sync', ...args], { env: env(), timeoutMs: 45_000 });

  beforeEach(async () => {
    dir = tempDir();
    stateDir = join(dir.path, 'state');
    fake = await startFakeApiban({ addresses: manyAddresses(6000) });
    configFile = join(dir.path, 'config.json');
    writeFileSync(configFile, JSON.stringify({ apiban: { baseUrl: fake.url, budget: { requests: 100, window: '1s' } } }));
  });
  afterEach(async () => {
    fake.onRequest = undefined;
    await fake.close();
    dir.remove();
  });

  /** Starts `sync` and SIGKILLs it when the fake is asked for page `killAt` (counted from 1). */
  async function syncKilledAtPage(killAt: number): Promise<void> {
    const pagesBefore = fake.pages().length;
    const child = spawn(process.execPath, [CLI, '-c', configFile, 'sync'], { env: { PATH: process.env.PATH, ...env() }, stdio: 'ignore' });
    const exited = new Promise<NodeJS.Signals | null>((resolve) => child.on('exit', (_code, signal) => resolve(signal)));
    // The request being answered is already in pages(): page `killAt` is asked for, never received.
    fake.onRequest = async () => {
      if (fake.pages().length - pagesBefore >= killAt && !child.killed) await kill(child, exited);
    };
    expect(await exited).to.equal('SIGKILL');
    fake.onRequest = undefined;
  }

  async function kill(child: ChildProcess, exited: Promise<unknown>): Promise<void> {
    child.kill('SIGKILL');
    await exited;
  }

  it('resumes an interrupted first full download from the saved cursor and publishes only the complete set', async () => {
    await syncKilledAtPage(11);
    const saved = await readStateFile(stateDir);
    expect(saved?.fullResync?.entries.size).to.equal(2500);
    expect(existsSync(join(stateDir, 'published.json'))).to.equal(false);
    const loaded = loadConfig(configFile, env());
    let error: Error | undefined;
    await computePublishedSet(loaded, silentLogger).catch((e: Error) => {
      error = e;
    });
    expect(error?.message).to.include('run `apiban-exporter sync` first');

    const before = fake.requests.length;
    const result = await sync();
    expect(result.code, result.stderr).to.equal(0);
    expect(fake.requests[before].cursor).to.equal(saved?.fullResync?.cursor);
    expect(fake.requests.length - before).to.equal(15);
    expect(result.stdout).to.match(/sync ok: full, 14 page\(s\) in 15 request\(s\).*6000 entries published \(changed\)/);
    expect((await readPublishedFile(stateDir))?.bans.size).to.equal(6000);
  });

  it('resumes an interrupted incremental download without losing the pages it saved', async () => {
    expect((await sync()).code).to.equal(0);
    fake.add(manyAddresses(1000, 6000));
    await syncKilledAtPage(3);
    const saved = await readStateFile(stateDir);
    expect(saved?.entries.size).to.equal(6500);
    expect((await readPublishedFile(stateDir))?.bans.size).to.equal(6000);
    const before = fake.requests.length;
    const result = await sync();
    expect(result.code, result.stderr).to.equal(0);
    expect(fake.requests[before].cursor).to.equal(saved?.cursor);
    expect((await readPublishedFile(stateDir))?.bans.size).to.equal(7000);
  });

  it('rebuilds from a truncated state file, keeps the last good set meanwhile, and never publishes a partial one', async () => {
    expect((await sync()).code).to.equal(0);
    const stateFile = join(stateDir, 'state.json');
    truncateSync(stateFile, Math.floor(readFileSync(stateFile).length / 2));
    await syncKilledAtPage(5);
    expect(readdirSync(stateDir).some((n) => n.startsWith('state.json.corrupt-'))).to.equal(true);
    expect((await readPublishedFile(stateDir))?.bans.size).to.equal(6000);
    expect((await readStateFile(stateDir))?.fullResync?.entries.size).to.equal(1000);
    const result = await sync();
    expect(result.code, result.stderr).to.equal(0);
    expect(result.stdout).to.include('6000 entries published (unchanged)');
  });

  it('recreates a removed state directory with a full download', async () => {
    expect((await sync()).code).to.equal(0);
    rmSync(stateDir, { recursive: true, force: true });
    const result = await sync();
    expect(result.code, result.stderr).to.equal(0);
    expect(result.stdout).to.match(/sync ok: full, 24 page/);
    expect((await readPublishedFile(stateDir))?.bans.size).to.equal(6000);
  });

  it('lets only one of two concurrent processes write the state', async () => {
    fake.onRequest = () => new Promise((resolve) => setTimeout(resolve, 120));
    const results = await Promise.all([sync(), sync()]);
    const codes = results.map((r) => r.code).sort();
    expect(codes).to.deep.equal([0, 4]);
    const loser = results.find((r) => r.code === 4);
    expect(loser?.stderr, loser?.stderr).to.match(/\[state\] .* is locked by (pid \d+|another process)/);
    expect((await readStateFile(stateDir))?.entries.size).to.equal(6000);
    expect((await readPublishedFile(stateDir))?.bans.size).to.equal(6000);
  });
});
