import { expect } from 'chai';
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { runCli } from '../helpers/cli.js';
import { startFakeApiban, type FakeApiban } from '../helpers/fake-apiban.js';
import { manyAddresses, tempDir } from '../sync/support.js';

describe('cli sync', function () {
  this.timeout(60_000);
  let fake: FakeApiban;
  let dir: ReturnType<typeof tempDir>;
  let configFile: string;
  const env = (key: string | undefined = fake.key) => ({ ...(key ? { APIBAN_KEY: key } : {}), APIBAN_STATE_DIR: join(dir.path, 'state') });

  beforeEach(async () => {
    dir = tempDir();
    fake = await startFakeApiban({ addresses: manyAddresses(1000) });
    configFile = join(dir.path, 'config.yaml');
    writeFileSync(configFile, `apiban:\n  baseUrl: ${fake.url}\n  budget: { requests: 50, window: 1s }\n`);
  });
  afterEach(async () => {
    await fake.close();
    dir.remove();
  });

  it('documents its options in --help', async () => {
    const result = await runCli(['sync', '--help']);
    expect(result.code).to.equal(0);
    for (const option of ['--full', '--allow-empty', '--force', 'Exit codes']) expect(result.stdout).to.include(option);
  });

  it('refuses to publish the bundled sample unasked: no key and no source is exit 2 in one line', async () => {
    const result = await runCli(['-c', configFile, '--json', 'sync'], { env: env('') });
    expect(result.code, result.stderr).to.equal(2);
    expect(result.stdout).to.equal('');
    expect(result.stderr.trim().split('\n')).to.have.length(1);
    expect(result.stderr).to.include('APIBAN_KEY').and.include('sources');
    expect(fake.requests).to.have.length(0);
  });

  it('takes an empty APIBAN_KEY for a configuration error, not for "no key"', async () => {
    const result = await runCli(['-c', configFile, 'sync'], { env: { APIBAN_KEY: '', APIBAN_STATE_DIR: join(dir.path, 'state') } });
    expect(result.code, result.stderr).to.equal(2);
    expect(result.stderr).to.match(/apiban\.key: is empty \(APIBAN_KEY= or key: ""\)/);
    writeFileSync(configFile, `apiban:\n  key: ""\n  baseUrl: ${fake.url}\n`);
    const inFile = await runCli(['-c', configFile, 'sync'], { env: env('') });
    expect(inFile.code, inFile.stderr).to.equal(2);
    expect(inFile.stderr).to.include('apiban.key: is empty');
    expect(fake.requests).to.have.length(0);
  });

  it('publishes the bundled sample when a source asks for it by name, and says so', async () => {
    writeFileSync(configFile, `apiban:\n  baseUrl: ${fake.url}\nsources: [{ name: sample, sample: true }]\n`);
    const result = await runCli(['-c', configFile, '--json', 'sync'], { env: env('') });
    expect(result.code, result.stderr).to.equal(0);
    const report = JSON.parse(result.stdout) as { ok: boolean; requests: number; published: { source: string; counts: { total: number } } };
    expect(report).to.include({ ok: true, requests: 0 });
    expect(report.published.source).to.equal('sample');
    expect(report.published.counts.total).to.be.greaterThan(0);
    expect(result.stderr).to.include('bundled sample list');
    const plain = await runCli(['-c', configFile, 'sync'], { env: env('') });
    expect(plain.stdout).to.match(/^sync ok: no APIBAN key configured, publishing the bundled sample list as the sources ask/);
    expect(fake.requests).to.have.length(0);
  });

  it('downloads in full first, then incrementally, with a one-line summary', async () => {
    const first = await runCli(['-c', configFile, 'sync'], { env: env() });
    expect(first.code, first.stderr).to.equal(0);
    expect(first.stdout.trim()).to.match(
      /^sync ok: full, 4 page\(s\) in 5 request\(s\), 1000 received, 1000 added, 0 expired; 1000 entries published \(changed\) in [\d.]+s$/,
    );
    fake.add(['192.0.2.200']);
    const second = await runCli(['-c', configFile, '--json', 'sync'], { env: env() });
    expect(second.code, second.stderr).to.equal(0);
    expect(JSON.parse(second.stdout)).to.include({ ok: true, full: false, pages: 1, added: 1, size: 1001, changed: true });
    const full = await runCli(['-c', configFile, 'sync', '--full'], { env: env() });
    expect(full.stdout).to.match(/^sync ok: full, 5 page/);
  });

  it('exits 3 on a rejected key without printing it', async () => {
    const wrong = 'wrong-key-abcdef0123456789';
    const result = await runCli(['-c', configFile, 'sync'], { env: env(wrong) });
    expect(result.code).to.equal(3);
    expect(result.stdout).to.include('sync failed: [apiban] 403 unauthorized: check APIBAN_KEY');
    expect(result.stdout + result.stderr).not.to.include(wrong);
  });

  it('exits 5 when the guard refuses a shrunken set, and publishes it with --force', async () => {
    expect((await runCli(['-c', configFile, 'sync'], { env: env() })).code).to.equal(0);
    fake.remove(manyAddresses(900));
    const refused = await runCli(['-c', configFile, 'sync', '--full'], { env: env() });
    expect(refused.code).to.equal(5);
    expect(refused.stdout).to.include('still publishing the last good set of 1000 entries');
    const forced = await runCli(['-c', configFile, '--json', 'sync', '--force'], { env: env() });
    expect(forced.code, forced.stderr).to.equal(0);
    expect(JSON.parse(forced.stdout)).to.include({ ok: true, size: 100 });
  });

  it('exits 5 for an empty list unless --allow-empty', async () => {
    fake.remove(manyAddresses(1000));
    expect((await runCli(['-c', configFile, 'sync'], { env: env() })).code).to.equal(5);
    const allowed = await runCli(['-c', configFile, 'sync', '--allow-empty'], { env: env() });
    expect(allowed.code, allowed.stdout).to.equal(0);
  });
});
