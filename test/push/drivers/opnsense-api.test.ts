import { expect } from 'chai';
import { rmSync } from 'node:fs';
import { DeviceError } from '../../../src/errors.js';
import { opnsenseApiDriver } from '../../../src/push/drivers/opnsense-api.js';
import { FakeOpnsense } from '../../helpers/fake-opnsense.js';
import { selfSignedCertificate, type TestCertificate } from '../../helpers/tls.js';
import { bans, deviceEndpoint, driverContext, pushOnce } from './device.js';
import { present } from '../../helpers/present.js';

const KEY = 'k3y-0123456789';
const SECRET = 's3cret-abcdefgh';

describe('push driver opnsense-api (fake OPNsense API on 127.0.0.1)', () => {
  let fake: FakeOpnsense;
  const device = (settings: Record<string, unknown> = {}, secret = SECRET) =>
    deviceEndpoint(opnsenseApiDriver, {
      port: fake.port,
      settings: { scheme: 'http', ...settings },
      credentials: { apiKey: KEY, apiSecret: secret },
    });

  beforeEach(async () => {
    fake = await new FakeOpnsense(KEY, SECRET).start();
  });
  afterEach(async () => {
    await fake.stop();
  });

  it('creates a missing external alias and fills it with the set', async () => {
    const wanted = bans('192.0.2.10', '198.51.100.0/24', '2001:db8::1');
    const outcome = await pushOnce(opnsenseApiDriver, device(), wanted);
    const alias = fake.aliases.get('APIBAN_SIP');
    expect(alias?.type).to.equal('external');
    expect([...present(alias, 'the alias').entries].sort()).to.deep.equal(['192.0.2.10', '198.51.100.0/24', '2001:db8::1']);
    expect(outcome.sent).to.equal(2 + 3);
    expect(outcome.plan[0]).to.match(/^POST \/api\/firewall\/alias\/add_item /);
  });

  it('sends only the difference, adds before deletes', async () => {
    fake.addAlias('APIBAN_SIP', 'external', ['192.0.2.1', '192.0.2.2', '192.0.2.3']);
    const outcome = await pushOnce(opnsenseApiDriver, device(), bans('192.0.2.2', '192.0.2.3', '203.0.113.7'));
    expect(fake.changes().map((c) => `${c.path} ${JSON.stringify(c.body)}`)).to.deep.equal([
      '/api/firewall/alias_util/add/APIBAN_SIP {"address":"203.0.113.7"}',
      '/api/firewall/alias_util/delete/APIBAN_SIP {"address":"192.0.2.1"}',
    ]);
    expect(outcome.sent).to.equal(2);
    expect([...present(fake.aliases.get('APIBAN_SIP'), 'alias APIBAN_SIP').entries].sort()).to.deep.equal([
      '192.0.2.2',
      '192.0.2.3',
      '203.0.113.7',
    ]);
  });

  it('sends no change at all when the alias already holds the set', async () => {
    fake.addAlias('APIBAN_SIP', 'external', ['192.0.2.1', '2001:db8::/32']);
    const outcome = await pushOnce(opnsenseApiDriver, device(), bans('192.0.2.1', '2001:db8::/32'));
    expect(outcome.plan).to.deep.equal([]);
    expect(fake.changes()).to.deep.equal([]);
  });

  it('reads every page of a table larger than one page', async () => {
    const entries = Array.from({ length: 7 }, (_, i) => `192.0.2.${i + 1}`);
    fake.addAlias('APIBAN_SIP', 'external', entries);
    const outcome = await pushOnce(opnsenseApiDriver, device({ pageSize: 3 }), bans(...entries));
    expect(outcome.before.size).to.equal(7);
    expect(fake.calls.filter((c) => c.path.includes('/list/')).length).to.equal(3);
    expect(fake.changes()).to.deep.equal([]);
  });

  it('dry run returns the exact calls and changes nothing', async () => {
    fake.addAlias('APIBAN_SIP', 'external', ['192.0.2.1']);
    const outcome = await pushOnce(opnsenseApiDriver, device(), bans('2001:db8::5'), { dryRun: true });
    expect(outcome.plan).to.deep.equal([
      'POST /api/firewall/alias_util/add/APIBAN_SIP address=2001:db8::5',
      'POST /api/firewall/alias_util/delete/APIBAN_SIP address=192.0.2.1',
    ]);
    expect(fake.changes()).to.deep.equal([]);
    expect([...present(fake.aliases.get('APIBAN_SIP'), 'alias APIBAN_SIP').entries]).to.deep.equal(['192.0.2.1']);
  });

  it('reports a wrong key as a DeviceError without the secret', async () => {
    const error = await pushOnce(opnsenseApiDriver, device({}, 'wrong-secret-xyz'), bans('192.0.2.1')).catch((e: unknown) => e);
    expect(error).to.be.instanceOf(DeviceError);
    expect((error as DeviceError).message)
      .to.include('HTTP 401')
      .and.not.include('wrong-secret-xyz')
      .and.not.include(KEY);
  });

  it('stops at the first refused address and names the call', async () => {
    fake.addAlias('APIBAN_SIP', 'external', ['192.0.2.1']);
    fake.rejectAddress = '192.0.2.9';
    const error = await pushOnce(opnsenseApiDriver, device(), bans('192.0.2.8', '192.0.2.9', '192.0.2.10')).catch((e: unknown) => e);
    expect(error).to.be.instanceOf(DeviceError);
    expect((error as DeviceError).command).to.equal('POST /api/firewall/alias_util/add/APIBAN_SIP address=192.0.2.9');
    // the old entry is still there: nothing was deleted before the adds finished
    expect([...present(fake.aliases.get('APIBAN_SIP'), 'alias APIBAN_SIP').entries].sort()).to.deep.equal(['192.0.2.1', '192.0.2.8']);
  });

  it('refuses to manage an alias of another type', async () => {
    fake.addAlias('APIBAN_SIP', 'urltable');
    const error = await pushOnce(opnsenseApiDriver, device(), bans('192.0.2.1')).catch((e: unknown) => e);
    expect((error as DeviceError).message).to.include('of type urltable');
    expect(fake.changes()).to.deep.equal([]);
  });

  it('refuses a missing alias when createAlias is off', async () => {
    const error = await pushOnce(opnsenseApiDriver, device({ createAlias: false }), bans('192.0.2.1')).catch((e: unknown) => e);
    expect((error as DeviceError).message).to.include('does not exist');
    expect(fake.aliases.size).to.equal(0);
  });

  it('stops when the table holds something that is not a strict address', async () => {
    fake.addAlias('APIBAN_SIP', 'external', ['192.0.2.1', 'evil;reboot']);
    const error = await pushOnce(opnsenseApiDriver, device(), bans('192.0.2.1')).catch((e: unknown) => e);
    expect((error as DeviceError).message).to.include('not a strict address');
  });

  it('gives up when the per-device signal fires', async () => {
    let answer = () => {};
    fake.hold = new Promise<void>((resolve) => {
      answer = resolve;
    });
    // The device answers nothing until the push has ended: only the signal can end it.
    const error = await pushOnce(opnsenseApiDriver, device(), bans('192.0.2.1'), { context: driverContext(100) }).catch((e: unknown) => e);
    answer();
    expect((error as DeviceError).message).to.include('timed out');
  });

  describe('over HTTPS', () => {
    let certificate: TestCertificate;
    before(() => {
      certificate = selfSignedCertificate();
    });
    after(() => rmSync(certificate.dir, { recursive: true, force: true }));
    beforeEach(async () => {
      await fake.stop();
      fake = await new FakeOpnsense(KEY, SECRET, certificate).start();
    });

    it('trusts the device through caFile', async () => {
      const target = deviceEndpoint(opnsenseApiDriver, {
        port: fake.port,
        credentials: { apiKey: KEY, apiSecret: SECRET, caFile: certificate.certFile },
      });
      await pushOnce(opnsenseApiDriver, target, bans('192.0.2.1'));
      expect([...present(fake.aliases.get('APIBAN_SIP'), 'alias APIBAN_SIP').entries]).to.deep.equal(['192.0.2.1']);
    });

    it('refuses a certificate it cannot verify', async () => {
      const target = deviceEndpoint(opnsenseApiDriver, { port: fake.port, credentials: { apiKey: KEY, apiSecret: SECRET } });
      const error = await pushOnce(opnsenseApiDriver, target, bans('192.0.2.1')).catch((e: unknown) => e);
      expect(error).to.be.instanceOf(DeviceError);
      expect(fake.calls).to.deep.equal([]);
    });
  });
});
