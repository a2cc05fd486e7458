/**
 * Blocked-traffic totals survive a restart of `serve`: the real CLI pushes to a Cisco ASA
 * simulator whose ACL counts hits, is stopped and started again on the same state directory,
 * and /metrics continues from the saved totals; the first reading after the restart adds only
 * what the counter grew meanwhile, and a counter reset still never makes the total go back.
 * Also: an unreadable blocked.json is reported and ignored, never fatal.
 */
import { present } from '../helpers/present.js';
import { expect } from 'chai';
import { readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { startFakeApiban, type FakeApiban } from '../helpers/fake-apiban.js';
import { startServe, waitFor, type ServeProcess } from '../helpers/serve-process.js';
import { startCiscoAsa, type AsaSimulator } from '../helpers/sim-cisco-asa.js';
import type { AclEntry } from '../helpers/sim-counters.js';
import { fetchRaw } from './support.js';
import { fakeApibanSection, simulatorDevice, writeCliConfig } from '../helpers/cli-config.js';

const KEY = 'blocked-restart-key-5e1a';
const PACKETS = /apiban_exporter_blocked_packets_total\{device="asa1",family="v4"\} (\d+)/;

describe('serve: blocked-traffic totals survive a restart', function () {
  this.timeout(60_000);
  let fake: FakeApiban;
  let sim: AsaSimulator;
  let serve: ServeProcess | undefined;
  const acl: AclEntry[] = [
    { action: 'deny', group: 'APIBAN-V4', hits: 100 },
    { action: 'permit', hits: 3 },
  ];

  before(async () => {
    fake = await startFakeApiban({ key: KEY, addresses: ['192.0.2.10', '198.51.100.20'] });
    sim = await startCiscoAsa({ auth: { username: 'ops', password: 'asa-pw-4410' } });
    sim.model.acls.set('OUTSIDE-IN', acl);
  });
  after(async () => {
    serve?.child.kill('SIGTERM');
    await serve?.exited;
    await sim.device.close();
    await fake.close();
  });

  async function blockedPackets(): Promise<number | undefined> {
    const text = (await fetchRaw(`http://127.0.0.1:${serve?.port}/metrics`)).body.toString();
    const match = PACKETS.exec(text);
    return match === null ? undefined : Number(match[1]);
  }
  async function pushAndSee(address: string, expected: number, what: string): Promise<void> {
    fake.add([address]);
    await waitFor(async () => (await blockedPackets()) === expected, what, 20_000);
  }
  async function stop(): Promise<void> {
    serve?.child.kill('SIGTERM');
    await serve?.exited;
  }

  it('continues the totals from the state directory, adding only the growth since the last reading', async () => {
    const { dir, path: config } = writeCliConfig('apiban-blocked-restart-', (dir) => ({
      apiban: fakeApibanSection(fake),
      state: { dir: join(dir, 'state') },
      sync: { interval: '300ms' },
      guards: { maxShrink: 1 },
      push: {
        devices: [
          simulatorDevice(sim.device, {
            name: 'asa1',
            driver: 'cisco-asa',
            passwordEnv: 'ASA_PW',
            settings: { counters: { acl: 'OUTSIDE-IN' } },
          }),
        ],
      },
    }));
    const env = { FAKE_KEY: KEY, ASA_PW: 'asa-pw-4410' };
    serve = await startServe(config, env);
    await waitFor(async () => (await blockedPackets()) === 100, 'the first push with counters', 20_000);
    acl[0].hits = 130;
    await pushAndSee('203.0.113.1', 130, 'a second push');
    await waitFor(async () => /"packets":130/.test(readFileSync(join(dir, 'state', 'blocked.json'), 'utf8')), 'the totals saved');

    await stop();
    acl[0].hits = 150;
    serve = await startServe(config, env);
    expect(await blockedPackets(), 'restored before any push').to.equal(130);
    const page = JSON.parse((await fetchRaw(`http://127.0.0.1:${serve.port}/status.json`)).body.toString()) as {
      blocked: Array<{ packets: number }>;
      devices: Array<{ blocked: unknown }>;
    };
    expect(
      page.blocked.map((p) => p.packets),
      'the chart series restored',
    ).to.deep.equal([100, 130]);
    expect(page.devices[0].blocked).to.deep.equal({ v4: { packets: 130 } });
    await pushAndSee('203.0.113.2', 150, 'the growth while serve was down, counted once');

    acl[0].hits = 10; // `clear access-list counters`
    await pushAndSee('203.0.113.3', 160, 'a reset adds the new reading');
    expect(serve.stderr()).not.to.include('asa-pw-4410');
  });

  it('an unreadable blocked.json is reported and counting starts afresh', async () => {
    await stop();
    const { dir, path: config } = writeCliConfig('apiban-blocked-corrupt-', (dir) => ({
      apiban: fakeApibanSection(fake),
      state: { dir: join(dir, 'state') },
    }));
    await startServe(config, { FAKE_KEY: KEY }).then(async (s) => {
      serve = s;
      await stop();
    });
    writeFileSync(
      join(dir, 'state', 'blocked.json'),
      '{"version":1,"totals":[{"device":"x","family":"v9","packets":1}],"last":[],"series":[]}\n',
    );
    serve = await startServe(config, { FAKE_KEY: KEY });
    await waitFor(
      async () => present(serve, 'the restarted serve').stderr().includes('blocked-traffic totals not restored'),
      'the warning',
    );
    expect(serve.stderr()).to.match(/blocked\.json: totals\.0\.family/);
    expect(await blockedPackets()).to.equal(undefined);
  });
});
