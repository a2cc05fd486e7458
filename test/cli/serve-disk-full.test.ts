/**
 * A full disk under a running `serve` (the state directory on a small real tmpfs): syncs fail
 * with the reason on /healthz, the daemon keeps serving the last good list byte for byte and
 * does not exit, and once space is freed the next sync publishes what APIBAN listed meanwhile,
 * with no restart and nobody looking. Root only (mount); skipped with the reason elsewhere,
 * required in CI.
 */
import { expect } from 'chai';
import { execFileSync } from 'node:child_process';
import { closeSync, mkdirSync, openSync, rmSync, writeSync } from 'node:fs';
import { join } from 'node:path';
import { fakeApibanSection, writeCliConfig } from '../helpers/cli-config.js';
import { errorCode } from '../../src/errors.js';
import { startFakeApiban, type FakeApiban } from '../helpers/fake-apiban.js';
import { startServe, waitFor, type ServeProcess } from '../helpers/serve-process.js';
import { skipWhen } from '../helpers/skip.js';
import { fetchRaw } from '../serve/support.js';

const KEY = 'disk-full-key-31c7';

/** Writes zeros until the filesystem says ENOSPC: nothing else can be written there after this. */
function fillUp(path: string): void {
  const fd = openSync(path, 'w');
  const chunk = Buffer.alloc(4096);
  try {
    for (;;) writeSync(fd, chunk);
  } catch (error) {
    if (errorCode(error) !== 'ENOSPC') throw error;
  } finally {
    closeSync(fd);
  }
}

describe('cli: serve on a full disk', function () {
  this.timeout(60_000);
  let fake: FakeApiban;
  let serve: ServeProcess | undefined;
  let mount: string | undefined;

  before(async () => {
    fake = await startFakeApiban({ key: KEY, addresses: ['192.0.2.10', '198.51.100.20', '203.0.113.30'] });
  });
  after(async () => {
    serve?.child.kill('SIGTERM');
    await serve?.exited;
    if (mount !== undefined) execFileSync('umount', [mount]);
    await fake.close();
  });

  it('keeps serving the last good list while syncs fail, says why, and catches up once space is back', async function () {
    skipWhen(this, process.getuid?.() === 0 ? undefined : 'mounting a tmpfs needs root');
    const { dir, path: config } = writeCliConfig('apiban-disk-full-', (dir) => ({
      apiban: fakeApibanSection(fake),
      state: { dir: join(dir, 'state') },
      sync: { interval: '300ms' },
      guards: { maxShrink: 1 },
      outputs: [{ name: 'plain', target: 'plain' }],
    }));
    mount = join(dir, 'state');
    mkdirSync(mount);
    execFileSync('mount', ['-t', 'tmpfs', '-o', 'size=512k', 'tmpfs', mount]);
    serve = await startServe(config, { FAKE_KEY: KEY });
    const base = `http://127.0.0.1:${serve.port}`;
    const health = async () => JSON.parse((await fetchRaw(`${base}/healthz`)).body.toString());
    await waitFor(async () => (await fetchRaw(`${base}/plain.txt`)).status === 200, 'the first list');
    const good = await fetchRaw(`${base}/plain.txt`);

    fillUp(join(mount, 'filler'));
    fake.add(['203.0.113.77']);
    await waitFor(async () => /ENOSPC|no space/i.test((await health()).lastSync?.error ?? ''), 'a sync failing on the full disk');
    const failed = await health();
    expect(failed.lastSync.ok).to.equal(false);
    const during = await fetchRaw(`${base}/plain.txt`);
    expect(during.status).to.equal(200);
    expect(during.body.equals(good.body), 'the last good list, byte for byte').to.equal(true);
    expect(during.headers.etag).to.equal(good.headers.etag);
    // Several more failing syncs: the daemon must neither exit nor swap in a partial list.
    const failedAt = failed.lastSync.at;
    await waitFor(async () => (await health()).lastSync.at !== failedAt, 'another sync on the full disk');
    expect(serve.child.exitCode).to.equal(null);

    rmSync(join(mount, 'filler'));
    await waitFor(async () => (await fetchRaw(`${base}/plain.txt`)).body.toString().includes('203.0.113.77'), 'the catch-up', 20_000);
    expect((await health()).lastSync.ok).to.equal(true);
    expect(serve.stderr()).not.to.include(KEY);
  });
});
