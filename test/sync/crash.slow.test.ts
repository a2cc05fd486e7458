/**
 * Crash tests: the real CLI in a child process, killed with SIGKILL between pages (the fake
 * APIBAN kills it when page N+1 is asked for), with its state file truncated or its state
 * directory removed, and two of them at once. After each, the next run resumes or rebuilds and
 * nothing partial is ever published.
 */
import { expect } from 'chai';
import type { ChildProcess } from 'node:child_process';
import { existsSync, readdirSync, readFileSync, rmSync, truncateSync } from 'node:fs';
import { join } from 'node:path';
import { silentLogger } from '../../src/log.js';
import { computePublishedSet } from '../../src/sync/service.js';
import { readPublishedFile, readStateFile } from '../../src/sync/store.js';
import { loadConfig } from '../../src/cli/load-config.js';
import { manyAddresses } from './support.js';
import { useSyncChild } from './sync-child.js';

describe('sync crash safety (child processes, kill -9)', function () {
  this.timeout(60_000);
  const fixture = useSyncChild(6000, 100);

  /** Starts `sync` and SIGKILLs it when the fixture.fake is asked for page `killAt` (counted from 1). */
  async function syncKilledAtPage(killAt: number): Promise<void> {
    const pagesBefore = fixture.fake.pages().length;
    const child = fixture.start();
    const exited = new Promise<NodeJS.Signals | null>((resolve) => child.on('exit', (_code, signal) => resolve(signal)));
    // The request being answered is already in pages(): page `killAt` is asked for, never received.
    fixture.fake.onRequest = async () => {
      if (fixture.fake.pages().length - pagesBefore >= killAt && !child.killed) await kill(child, exited);
    };
    expect(await exited).to.equal('SIGKILL');
    fixture.fake.onRequest = undefined;
  }

  async function kill(child: ChildProcess, exited: Promise<unknown>): Promise<void> {
    child.kill('SIGKILL');
    await exited;
  }

  it('resumes an interrupted first full download from the saved cursor and publishes only the complete set', async () => {
    await syncKilledAtPage(11);
    const saved = await readStateFile(fixture.stateDir);
    expect(saved?.fullResync?.entries.size).to.equal(2500);
    expect(existsSync(join(fixture.stateDir, 'published.json'))).to.equal(false);
    const loaded = await loadConfig(fixture.configFile, fixture.env());
    let error: Error | undefined;
    await computePublishedSet(loaded, silentLogger).catch((e: Error) => {
      error = e;
    });
    expect(error?.message).to.include('run `apiban-exporter sync` first');

    const before = fixture.fake.requests.length;
    const result = await fixture.run();
    expect(result.code, result.stderr).to.equal(0);
    expect(fixture.fake.requests[before].cursor).to.equal(saved?.fullResync?.cursor);
    expect(fixture.fake.requests.length - before).to.equal(15);
    expect(result.stdout).to.match(/sync ok: full, 14 page\(s\) in 15 request\(s\).*6000 entries published \(changed\)/);
    expect((await readPublishedFile(fixture.stateDir))?.bans.size).to.equal(6000);
  });

  it('resumes an interrupted incremental download without losing the pages it saved', async () => {
    expect((await fixture.run()).code).to.equal(0);
    fixture.fake.add(manyAddresses(1000, 6000));
    await syncKilledAtPage(3);
    const saved = await readStateFile(fixture.stateDir);
    expect(saved?.entries.size).to.equal(6500);
    expect((await readPublishedFile(fixture.stateDir))?.bans.size).to.equal(6000);
    const before = fixture.fake.requests.length;
    const result = await fixture.run();
    expect(result.code, result.stderr).to.equal(0);
    expect(fixture.fake.requests[before].cursor).to.equal(saved?.cursor);
    expect((await readPublishedFile(fixture.stateDir))?.bans.size).to.equal(7000);
  });

  it('rebuilds from a truncated state file, keeps the last good set meanwhile, and never publishes a partial one', async () => {
    expect((await fixture.run()).code).to.equal(0);
    const stateFile = join(fixture.stateDir, 'state.json');
    truncateSync(stateFile, Math.floor(readFileSync(stateFile).length / 2));
    await syncKilledAtPage(5);
    expect(readdirSync(fixture.stateDir).some((n) => n.startsWith('state.json.corrupt-'))).to.equal(true);
    expect((await readPublishedFile(fixture.stateDir))?.bans.size).to.equal(6000);
    expect((await readStateFile(fixture.stateDir))?.fullResync?.entries.size).to.equal(1000);
    const result = await fixture.run();
    expect(result.code, result.stderr).to.equal(0);
    expect(result.stdout).to.include('6000 entries published (unchanged)');
  });

  it('recreates a removed state directory with a full download', async () => {
    expect((await fixture.run()).code).to.equal(0);
    rmSync(fixture.stateDir, { recursive: true, force: true });
    const result = await fixture.run();
    expect(result.code, result.stderr).to.equal(0);
    expect(result.stdout).to.match(/sync ok: full, 24 page/);
    expect((await readPublishedFile(fixture.stateDir))?.bans.size).to.equal(6000);
  });

  it('lets only one of two concurrent processes write the state', async () => {
    fixture.fake.onRequest = () => new Promise((resolve) => setTimeout(resolve, 120));
    const results = await Promise.all([fixture.run(), fixture.run()]);
    const codes = results.map((r) => r.code).sort();
    expect(codes).to.deep.equal([0, 4]);
    const loser = results.find((r) => r.code === 4);
    expect(loser?.stderr, loser?.stderr).to.match(/\[state\] .* is locked by (pid \d+|another process)/);
    expect((await readStateFile(fixture.stateDir))?.entries.size).to.equal(6000);
    expect((await readPublishedFile(fixture.stateDir))?.bans.size).to.equal(6000);
  });
});
