import { expect } from 'chai';
import { parsePrefix } from '../../src/banset/address.js';
import { createBanSet, type BanSet } from '../../src/banset/banset.js';
import { silentLogger } from '../../src/log.js';
import type { DeviceConfig } from '../../src/config/push-schema.js';
import { pushSchema } from '../helpers/config-schema.js';
import { resolveDevice, type PushDevice } from '../../src/push/devices.js';
import { anyFailed, type DeviceResult } from '../../src/fleet/device-result.js';
import { pushToDevices, type PushOptions } from '../../src/push/run.js';
import { startCiscoAsa } from '../helpers/sim-cisco-asa.js';
import { startCiscoIos } from '../helpers/sim-cisco-ios.js';
import { JunosModel, startJunos } from '../helpers/sim-junos.js';
import { simulatorDevice } from '../helpers/cli-config.js';
import type { SimulatedDevice } from '../helpers/ssh-device.js';

const AUTH = { auth: { username: 'netops', password: 'pw-9f8e7d' } };
const ENV = { DEVICE_PW: 'pw-9f8e7d', ENABLE_PW: 'en-1234' };

function bans(...entries: string[]): BanSet {
  return createBanSet(entries.map((e) => parsePrefix(e)));
}

function device(sim: SimulatedDevice, driver: string, extra: Record<string, unknown> = {}): Promise<PushDevice> {
  const config = pushSchema.parse({
    devices: [
      simulatorDevice(sim, { name: `${driver}-${sim.port}`, driver, timeout: 5, username: 'netops', passwordEnv: 'DEVICE_PW', ...extra }),
    ],
  }).devices[0] as DeviceConfig;
  return resolveDevice(config, ENV);
}

const options = (overrides: Partial<PushOptions> = {}): PushOptions => ({
  log: silentLogger,
  guards: { allowEmpty: false, maxShrink: 0.5 },
  ...overrides,
});

async function pushOne(target: PushDevice, wanted: BanSet, overrides: Partial<PushOptions> = {}): Promise<DeviceResult> {
  const [result] = await pushToDevices([target], wanted, options(overrides));
  return result;
}

describe('push job with the CLI driver', () => {
  const closers: (() => Promise<void>)[] = [];
  afterEach(async () => {
    await Promise.all(closers.splice(0).map((c) => c()));
  });

  describe('cisco-ios', () => {
    async function ios(enablePassword?: string, faults = {}) {
      const sim = await startCiscoIos(AUTH, { enablePassword, faults });
      closers.push(() => sim.device.close());
      sim.model.seed('APIBAN-V4', false, ['192.0.2.1', '192.0.2.2', '198.51.100.0/24']);
      sim.model.seed('APIBAN-V6', true, ['2001:db8::1']);
      sim.model.referenced.add('APIBAN-V4');
      return sim;
    }

    it('applies only the difference through enable mode and paging, and the device ends holding the set', async () => {
      const sim = await ios('en-1234');
      const wanted = bans('192.0.2.1', '198.51.100.0/24', '203.0.113.7', '2001:db8::1', '2001:db8:1::/48');
      const result = await pushOne(
        await device(sim.device, 'cisco-ios', {
          credentials: { username: 'netops', passwordEnv: 'DEVICE_PW', enablePasswordEnv: 'ENABLE_PW' },
        }),
        wanted,
      );
      expect(result, result.error).to.include({ result: 'changed', added: 2, removed: 1 });
      expect(sim.model.entries('APIBAN-V4')).to.deep.equal(['192.0.2.1/32', '198.51.100.0/24', '203.0.113.7/32']);
      expect(sim.model.entries('APIBAN-V6')).to.deep.equal(['2001:db8:1::/48', '2001:db8::1/128']);
    });

    it('sends no configuration command when the device already holds the set', async () => {
      const sim = await ios();
      const result = await pushOne(await device(sim.device, 'cisco-ios'), bans('192.0.2.1', '192.0.2.2', '198.51.100.0/24', '2001:db8::1'));
      expect(result).to.include({ result: 'unchanged', sent: 0 });
      expect(sim.device.received.filter((l) => /configure|object-group|host/.test(l) && !l.startsWith('show'))).to.deep.equal([]);
    });

    it('fails when the device accepted every command but its listing lacks an entry (read-back after the change)', async () => {
      const sim = await ios(undefined, { ignoreAddress: '203.0.113.7' });
      const result = await pushOne(await device(sim.device, 'cisco-ios'), bans('192.0.2.1', '203.0.113.7', '2001:db8::1'), {
        overrides: { force: true },
      });
      expect(result.result).to.equal('failed');
      expect(result.error).to.include('read-back differs').and.include('1 missing (203.0.113.7/32)');
    });

    it('keeps a referenced group non-empty with the placeholder when every entry goes', async () => {
      const sim = await ios();
      const result = await pushOne(await device(sim.device, 'cisco-ios'), bans('2001:db8::1'), { overrides: { force: true } });
      expect(result, result.error).to.include({ result: 'changed' });
      expect(sim.model.entries('APIBAN-V4')).to.deep.equal(['192.0.2.255/32']);
    });

    it('dry run lists the exact commands and changes nothing', async () => {
      const sim = await ios();
      const before = sim.model.entries('APIBAN-V4');
      const result = await pushOne(
        await device(sim.device, 'cisco-ios'),
        bans('192.0.2.1', '192.0.2.2', '198.51.100.0/24', '192.0.2.77', '2001:db8::1'),
        { dryRun: true },
      );
      expect(result.result).to.equal('planned');
      expect(result.plan).to.deep.equal(['configure terminal', 'object-group network APIBAN-V4', 'host 192.0.2.77', 'exit', 'end']);
      expect(sim.model.entries('APIBAN-V4')).to.deep.equal(before);
    });

    it('stops at a rejected line, reports what was applied and leaves the later lines unsent', async () => {
      const sim = await ios(undefined, { rejectAddress: '203.0.113.9' });
      const wanted = bans('192.0.2.1', '192.0.2.2', '198.51.100.0/24', '203.0.113.7', '203.0.113.9', '203.0.113.20', '2001:db8::1');
      const result = await pushOne(await device(sim.device, 'cisco-ios'), wanted);
      expect(result.result).to.equal('failed');
      expect(result.error).to.contain('"host 203.0.113.9" rejected').and.contain('Invalid input');
      expect(result.applied).to.deep.equal(['configure terminal', 'object-group network APIBAN-V4', 'host 203.0.113.7']);
      expect(sim.model.entries('APIBAN-V4')).to.deep.equal(['192.0.2.1/32', '192.0.2.2/32', '198.51.100.0/24', '203.0.113.7/32']);
    });

    it('refuses to shrink a device by more than the guard allows unless forced', async () => {
      const sim = await ios();
      const result = await pushOne(await device(sim.device, 'cisco-ios'), bans('2001:db8::1'));
      expect(result.result).to.equal('refused');
      expect(sim.model.entries('APIBAN-V4')).to.have.length(3);
    });
  });

  describe('cisco-asa', () => {
    it('updates both groups and answers the ASA pager', async () => {
      const sim = await startCiscoAsa(AUTH);
      closers.push(() => sim.device.close());
      // Odd addresses only, so aggregation (on by default for Cisco) keeps them apart.
      sim.model.seed(
        'APIBAN-V4',
        false,
        Array.from({ length: 40 }, (_, i) => `192.0.2.${2 * i + 1}`),
      );
      sim.model.seed('APIBAN-V6', false, ['2001:db8::1']);
      const wanted = bans(...Array.from({ length: 40 }, (_, i) => `192.0.2.${2 * i + 3}`), '2001:db8::/33');
      const result = await pushOne(await device(sim.device, 'cisco-asa'), wanted);
      expect(result, result.error).to.include({ result: 'changed', added: 2, removed: 2 });
      expect(sim.model.entries('APIBAN-V4')).to.have.length(40).and.include('192.0.2.81/32').and.not.include('192.0.2.1/32');
      expect(sim.model.entries('APIBAN-V6')).to.deep.equal(['2001:db8::/33']);
    });
  });

  describe('junos', () => {
    async function junos(faults = {}, model = new JunosModel()) {
      const sim = await startJunos(AUTH, faults, model);
      closers.push(() => sim.device.close());
      sim.model.seed('APIBAN', ['192.0.2.1/32', '192.0.2.2/32']);
      sim.model.seed('APIBAN6', ['2001:db8::1/128']);
      return sim;
    }
    const wanted = bans('192.0.2.1', '203.0.113.0/24', '2001:db8::1');

    it('commits the difference in one candidate with commit confirmed, then confirms', async () => {
      const sim = await junos();
      const result = await pushOne(await device(sim.device, 'junos'), wanted);
      expect(result, result.error).to.include({ result: 'changed', added: 1, removed: 1 });
      expect(sim.model.entries('APIBAN')).to.deep.equal(['192.0.2.1/32', '203.0.113.0/24']);
      expect(sim.model.commits).to.equal(2);
      expect(sim.model.expireConfirmedCommit(), 'a rollback was still armed: the commit was never confirmed').to.equal(false);
      expect(sim.model.rollbacks).to.equal(0);
      expect(sim.model.entries('APIBAN')).to.deep.equal(['192.0.2.1/32', '203.0.113.0/24']);
    });

    it('discards the candidate when commit check fails and leaves the active configuration alone', async () => {
      const sim = await junos({ commitError: 'prefix-list APIBAN referenced by a missing filter' });
      const result = await pushOne(await device(sim.device, 'junos'), wanted);
      expect(result.result).to.equal('failed');
      expect(result.error).to.contain('"commit check" rejected').and.contain('abort commands sent');
      expect(sim.model.entries('APIBAN')).to.deep.equal(['192.0.2.1/32', '192.0.2.2/32']);
      expect(sim.model.commits).to.equal(0);
    });

    it('rejects a line half way without committing anything', async () => {
      const sim = await junos({ rejectAddress: '203.0.113.0/24' });
      const result = await pushOne(await device(sim.device, 'junos'), wanted);
      expect(result.error).to.contain('syntax error');
      expect(sim.model.entries('APIBAN')).to.deep.equal(['192.0.2.1/32', '192.0.2.2/32']);
    });

    it('rolls back by itself when the connection drops before the confirming commit', async () => {
      const sim = await junos({ dropOn: /^commit$/ });
      const result = await pushOne(await device(sim.device, 'junos', { settings: { commitConfirmedMinutes: 1 } }), wanted);
      expect(result.result).to.equal('failed');
      expect(result.error).to.contain('closed');
      expect(sim.model.commits, 'the confirmed commit was activated').to.equal(1);
      expect(sim.model.entries('APIBAN'), 'active until the window runs out').to.deep.equal(['192.0.2.1/32', '203.0.113.0/24']);
      expect(sim.model.expireConfirmedCommit(), 'the device armed its own rollback').to.equal(true);
      expect(sim.model.rollbacks).to.equal(1);
      expect(sim.model.entries('APIBAN')).to.deep.equal(['192.0.2.1/32', '192.0.2.2/32']);
    });

    it('loses the uncommitted change when the connection drops mid-change', async () => {
      const sim = await junos({ dropOn: 'delete policy-options' });
      const result = await pushOne(await device(sim.device, 'junos'), wanted);
      expect(result.result).to.equal('failed');
      expect(sim.model.entries('APIBAN')).to.deep.equal(['192.0.2.1/32', '192.0.2.2/32']);
    });
  });

  describe('fleets', () => {
    it('one failing device never stops the others, and a slow device hits its timeout', async () => {
      const good = await startCiscoIos(AUTH);
      const slow = await startCiscoIos({ ...AUTH, delayMs: 400 });
      const wrongKey = await startJunos(AUTH);
      closers.push(
        () => good.device.close(),
        () => slow.device.close(),
        () => wrongKey.device.close(),
      );
      const slowDevice = await device(slow.device, 'cisco-ios');
      slowDevice.endpoint.timeoutMs = 600;
      const keyDevice = await device(wrongKey.device, 'junos');
      keyDevice.endpoint.hostKey.fingerprints = [good.device.fingerprint];
      const results = await pushToDevices(
        [slowDevice, keyDevice, await device(good.device, 'cisco-ios')],
        bans('192.0.2.9'),
        options({ concurrency: 2 }),
      );
      expect(results.map((r) => r.result)).to.deep.equal(['failed', 'failed', 'changed']);
      expect(results[0].error).to.match(/timed out/);
      expect(results[1].error).to.contain(wrongKey.device.fingerprint);
      expect(good.model.entries('APIBAN-V4')).to.deep.equal(['192.0.2.9/32']);
      expect(anyFailed(results)).to.equal(true);
    });
  });
});
