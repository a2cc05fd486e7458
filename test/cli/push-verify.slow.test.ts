/**
 * `push --watch` holds its devices (real CLI, child process): with push.schedule.verifyEvery 2s it
 * pushes again though the published set never changes, and an iptables-api daemon that lost 5 of
 * its 300 rules behind the watcher's back gets them back at the next verification, which reports
 * `changed` (5 re-inserted) and never `unchanged` before that. The linux-nftables side (a real set
 * emptied in a network namespace) is test/push/verify-every.slow.test.ts.
 */
import { expect } from 'chai';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { DeviceResult } from '../../src/fleet/device-result.js';
import { startFakeApiban, type FakeApiban } from '../helpers/fake-apiban.js';
import { FakeIptablesApi } from '../helpers/fake-iptables-api.js';
import { iptablesApiDevice, startPushWatch, watchConfig } from '../helpers/push-watch.js';
import { waitFor } from '../helpers/serve-process.js';

const ADDRESSES = Array.from({ length: 300 }, (_, i) => `198.18.${i >> 8}.${i & 0xff}`);

describe('push --watch verifies its devices every push.schedule.verifyEvery (real CLI)', function () {
  this.timeout(90_000);
  let fake: FakeApiban;
  let daemon: FakeIptablesApi;
  let dir: string;

  beforeEach(async () => {
    fake = await startFakeApiban({ addresses: ADDRESSES });
    daemon = await new FakeIptablesApi().start();
    dir = mkdtempSync(join(tmpdir(), 'apiban-verify-watch-'));
  });
  afterEach(async () => {
    await daemon.stop();
    await fake.close();
    rmSync(dir, { recursive: true, force: true });
  });

  it('re-inserts 5 rules deleted behind its back within verifyEvery, reporting changed, never unchanged first', async () => {
    const config = watchConfig(dir, fake.url, {
      push: { schedule: { verifyEvery: '2s' }, devices: [iptablesApiDevice(daemon, 'api', dir)] },
    });
    const watch = startPushWatch(config, { FAKE_KEY: fake.key }, ['--json']);
    const { stdout, stderr } = watch;
    /** Each push's results, as `--json` prints them (one array per push). */
    const reports = () =>
      stdout()
        .split(/\n(?=\[)/)
        .filter((text) => text.trim().endsWith(']'))
        .map((text) => (JSON.parse(text) as DeviceResult[])[0]);
    try {
      await waitFor(async () => reports().length >= 2, `two pushes (the first, then a verification):\n${stderr()}`, 30_000);
      expect(reports()[1].result, 'a verification of a device that holds the set').to.equal('unchanged');
      const before = reports().length;
      const deleted = [daemon.v4[5], daemon.v4[77], daemon.v4[150], daemon.v4[222], daemon.v4[299]];
      daemon.v4.splice(0, daemon.v4.length, ...daemon.v4.filter((a) => !deleted.includes(a)));
      await waitFor(async () => daemon.chain().length === ADDRESSES.length, `the 5 rules back:\n${stderr()}`, 30_000);
      await waitFor(async () => reports().length > before, 'the report of the repairing push');
      const repair = reports()[before];
      expect(repair.result, JSON.stringify(repair)).to.equal('changed');
      expect(repair.sent).to.equal(5);
      expect(repair.verified).to.include('5 missing, re-inserted');
      expect(daemon.chain()).to.have.members(ADDRESSES);
    } finally {
      watch.child.kill('SIGTERM');
      await watch.exited;
    }
  });
});
