import { expect } from 'chai';
import { parsePrefix } from '../../src/banset/address.js';
import { createBanSet } from '../../src/banset/banset.js';
import { loadConfig } from '../../src/cli/load-config.js';
import { silentLogger } from '../../src/log.js';
import { createPushScheduler } from '../../src/push/push-scheduler.js';
import type { PublishedSet } from '../../src/sync/published-set.js';
import { startCiscoIos, type IosSimulator } from '../helpers/sim-cisco-ios.js';
import { simulatorDevice } from '../helpers/cli-config.js';
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { stringify } from 'yaml';

function published(...entries: string[]): PublishedSet {
  return {
    bans: createBanSet(entries.map((e) => parsePrefix(e))),
    report: {} as PublishedSet['report'],
    syncedAt: new Date(),
    source: 'apiban',
  };
}

describe('push/push-scheduler', () => {
  let sim: IosSimulator;
  afterEach(() => sim.device.close());

  function configFor(schedule: Record<string, unknown>) {
    const file = join(mkdtempSync(join(tmpdir(), 'apiban-sched-')), 'c.yaml');
    writeFileSync(
      file,
      stringify({
        push: {
          schedule,
          devices: [simulatorDevice(sim.device, { name: 'r1', driver: 'cisco-ios', passwordEnv: 'R1_PW', tags: ['auto'] })],
        },
      }),
    );
    return loadConfig(file, {});
  }

  it('pushes after a changing sync and coalesces requests that arrive while a push runs', async () => {
    sim = await startCiscoIos({ auth: { username: 'ops', password: 'pw' } });
    const scheduler = createPushScheduler(await configFor({ select: { tag: ['auto'] } }), silentLogger, { env: { R1_PW: 'pw' } });
    const first = scheduler.afterSync(published('192.0.2.1'));
    void scheduler.afterSync(published('192.0.2.2'));
    const third = scheduler.afterSync(published('192.0.2.3'));
    expect(third).to.equal(first);
    await first;
    expect(sim.model.entries('APIBAN-V4')).to.deep.equal(['192.0.2.3/32']);
    expect(scheduler.last?.[0]).to.include({ device: 'r1', result: 'changed' });
    await scheduler.stop();
  });

  it('does nothing after a sync when afterSync is off', async () => {
    sim = await startCiscoIos({ auth: { username: 'ops', password: 'pw' } });
    const scheduler = createPushScheduler(await configFor({ afterSync: false }), silentLogger, { env: { R1_PW: 'pw' } });
    expect(await scheduler.afterSync(published('192.0.2.1'))).to.equal(undefined);
    expect(sim.device.received).to.deep.equal([]);
    await scheduler.stop();
  });
});
