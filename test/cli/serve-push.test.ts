/**
 * serve runs the scheduled pushes: after a sync that changed the set, the configured device gets
 * the difference, with no push command run by hand.
 */
import { expect } from 'chai';
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { stringify } from 'yaml';
import { startFakeApiban, type FakeApiban } from '../helpers/fake-apiban.js';
import { startServe, waitFor, type ServeProcess } from '../helpers/serve-process.js';
import { startCiscoIos, type IosSimulator } from '../helpers/sim-cisco-ios.js';
import { present } from '../helpers/present.js';
import { fakeApibanSection, simulatorDevice, writeCliConfig } from '../helpers/cli-config.js';

const KEY = 'serve-push-key-7c41';

describe('cli: serve runs scheduled pushes after a changing sync', function () {
  this.timeout(40_000);
  let fake: FakeApiban;
  let sim: IosSimulator;
  let serve: ServeProcess | undefined;

  /** Syncs every 300 ms from the fake, and lets any change through the guard. */
  const syncing = (dir: string) => ({
    apiban: fakeApibanSection(fake),
    state: { dir: join(dir, 'state') },
    sync: { interval: '300ms' },
    guards: { maxShrink: 1 },
  });

  before(async () => {
    fake = await startFakeApiban({ key: KEY, addresses: ['192.0.2.10', '198.51.100.20', '203.0.113.30'] });
    sim = await startCiscoIos({ auth: { username: 'ops', password: 'sim-pw-9931' } });
  });
  after(async () => {
    serve?.child.kill('SIGTERM');
    await serve?.exited;
    await sim.device.close();
    await fake.close();
  });

  it('pushes the first set and then each change to the device', async () => {
    const { path: config } = writeCliConfig('apiban-serve-push-', (dir) => ({
      ...syncing(dir),
      push: { devices: [simulatorDevice(sim.device, { name: 'edge1', driver: 'cisco-ios', passwordEnv: 'ROUTER_PW' })] },
    }));
    serve = await startServe(config, { FAKE_KEY: KEY, ROUTER_PW: 'sim-pw-9931' });
    const held = () => sim.model.entries('APIBAN-V4').sort();
    await waitFor(async () => held().length === 3, 'the first push', 20_000);
    expect(held()).to.deep.equal(['192.0.2.10/32', '198.51.100.20/32', '203.0.113.30/32']);

    fake.add(['203.0.113.99']);
    await waitFor(async () => held().includes('203.0.113.99/32'), 'the change pushed after the next sync', 20_000);
    expect(serve.stderr()).to.include('scheduled push finished');
    expect(serve.stderr()).not.to.include('sim-pw-9931');
  });

  it('picks up a device added by a reload (SIGHUP)', async () => {
    const other = await startCiscoIos({ auth: { username: 'ops', password: 'sim-pw-9931' } });
    try {
      const { dir, path: config } = writeCliConfig('apiban-serve-push-reload-', syncing);
      serve?.child.kill('SIGTERM');
      await serve?.exited;
      serve = await startServe(config, { FAKE_KEY: KEY, ROUTER_PW: 'sim-pw-9931' });
      await waitFor(async () => present(serve, 'the serve process').stderr().includes('sync done'), 'the first sync');
      writeFileSync(
        config,
        stringify({
          ...syncing(dir),
          push: { devices: [simulatorDevice(other.device, { name: 'edge2', driver: 'cisco-ios', passwordEnv: 'ROUTER_PW' })] },
        }),
      );
      serve.child.kill('SIGHUP');
      await waitFor(async () => present(serve, 'the serve process').stderr().includes('configuration reloaded'), 'the reload');
      fake.add(['203.0.113.111']);
      await waitFor(async () => other.model.entries('APIBAN-V4').includes('203.0.113.111/32'), 'a push to the new device', 20_000);
    } finally {
      await other.device.close();
    }
  });
});
