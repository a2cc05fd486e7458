import { expect } from 'chai';
import { existsSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { DeviceError } from '../../../src/errors.js';
import { silentLogger } from '../../../src/log.js';
import { iptablesApiDriver } from '../../../src/push/drivers/iptables-api.js';
import { pushToDevice } from '../../../src/push/run.js';
import { FakeIptablesApi } from '../../helpers/fake-iptables-api.js';
import { bans, deviceEndpoint, driverContext, pushOnce } from './device.js';
import { present } from '../../helpers/present.js';

describe('push driver iptables-api (fake daemon answering as palner/iptables-api does)', () => {
  let fake: FakeIptablesApi;
  let dir: string;
  let ledger: string;
  const device = (settings: Record<string, unknown> = {}, families?: 'v4' | 'v6' | 'both') => ({
    ...deviceEndpoint(iptablesApiDriver, { port: fake.port, settings: { ledger, ...settings } }),
    families,
  });
  const readLedger = () => JSON.parse(readFileSync(ledger, 'utf8')) as { entries: string[]; pending: string[]; fullCheckAt?: string };
  const puships = () => fake.requests.filter((r) => r.startsWith('GET /puship/'));

  beforeEach(async () => {
    fake = await new FakeIptablesApi().start();
    dir = mkdtempSync(join(tmpdir(), 'apiban-iptapi-'));
    ledger = join(dir, 'ledger', 'dev1.json');
  });
  afterEach(async () => {
    await fake.stop();
    rmSync(dir, { recursive: true, force: true });
  });

  it('without a ledger flushes the chain first (a dual-family device), then adds the set', async () => {
    fake.v4.push('203.0.113.99'); // left over from an earlier tool: must go
    const outcome = await pushOnce(iptablesApiDriver, device(), bans('192.0.2.1', '2001:db8::7'));
    expect(fake.requests).to.deep.equal(['GET /flushchain', 'GET /addip/192.0.2.1', 'GET /addip/2001:db8::7']);
    expect(fake.chain()).to.deep.equal(['192.0.2.1', '2001:db8::7']);
    expect(outcome.sent).to.equal(3);
    expect(outcome.verified).to.include('after /flushchain');
    expect(readLedger()).to.deep.include({ entries: ['192.0.2.1', '2001:db8::7'], pending: [] });
  });

  it('never calls /flushchain for a v4-only device (it would flush IPv6; the daemon dies where ip6tables cannot run)', async () => {
    fake.ip6tables = 'fatal';
    await pushOnce(iptablesApiDriver, device({}, 'v4'), bans('192.0.2.1', '192.0.2.2'));
    expect(fake.requests).to.deep.equal(['GET /addip/192.0.2.1', 'GET /addip/192.0.2.2']);
    expect(fake.dead).to.equal(false);
    expect(fake.chain()).to.deep.equal(['192.0.2.1', '192.0.2.2']);
  });

  it('counts a partial /flushchain (ipv6<error text>, not valid JSON) as a failure, not a success', async () => {
    fake.ip6tables = 'error';
    const error = await pushOnce(iptablesApiDriver, device(), bans('192.0.2.1')).catch((e: unknown) => e);
    expect(error).to.be.instanceOf(DeviceError);
    expect((error as DeviceError).command).to.equal('GET /flushchain');
    expect((error as DeviceError).output)
      .to.include('did not complete')
      .and.include('ip6tables');
    expect(fake.requests).to.deep.equal(['GET /flushchain']);
  });

  it('proves an unchanged set with /puship ("ip already exists") and sends no change', async () => {
    await pushOnce(iptablesApiDriver, device(), bans('192.0.2.1', '192.0.2.2'));
    fake.requests.length = 0;
    const unchanged = await pushOnce(iptablesApiDriver, device(), bans('192.0.2.1', '192.0.2.2'));
    expect(unchanged.plan).to.deep.equal(['GET /puship/<address> for up to 16 of the 2 unchanged addresses (presence probe)']);
    expect(unchanged.sent).to.equal(0);
    expect(unchanged.verified).to.match(/2 unchanged addresses probed with \/puship: 0 missing/);
    expect(fake.requests.sort()).to.deep.equal(['GET /puship/192.0.2.1', 'GET /puship/192.0.2.2']);
  });

  it('sends only the difference, and probes only a sample of the unchanged part', async () => {
    const many = Array.from({ length: 40 }, (_, i) => `198.51.100.${i + 1}`);
    await pushOnce(iptablesApiDriver, device({ probe: 4 }), bans(...many));
    fake.requests.length = 0;
    await pushOnce(iptablesApiDriver, device({ probe: 4 }), bans(...many.slice(1), '192.0.2.3'));
    const changes = fake.requests.filter((r) => !r.startsWith('GET /puship/'));
    expect(changes).to.deep.equal(['GET /addip/192.0.2.3', 'GET /removeip/198.51.100.1']);
    expect(puships()).to.have.length(4);
    expect(fake.chain()).to.have.members([...many.slice(1), '192.0.2.3']);
  });

  for (const [what, lose] of [
    ['a host reboot (chain gone)', (f: FakeIptablesApi) => f.reboot()],
    [
      'someone calling /flushchain',
      (f: FakeIptablesApi) => {
        f.v4.length = 0;
        f.v6.length = 0;
      },
    ],
  ] as const) {
    it(`after ${what} does not report unchanged: it finds the gap and re-inserts the whole set`, async () => {
      const wanted = bans(...Array.from({ length: 30 }, (_, i) => `203.0.113.${i + 1}`));
      await pushOnce(iptablesApiDriver, device({ probe: 3 }), wanted);
      lose(fake);
      const [target] = [device({ probe: 3 })];
      const result = await pushToDevice({ config: {} as never, driver: iptablesApiDriver, endpoint: target }, wanted, {
        log: silentLogger,
        guards: { maxShrink: 0.5, allowEmpty: false } as never,
      });
      expect(result.result, result.error).to.equal('changed');
      expect(result.sent).to.equal(30);
      expect(result.verified).to.match(/every one of the 30 unchanged addresses probed with \/puship: 30 missing, re-inserted/);
      expect(fake.chain()).to.have.members(wanted.toArray().map((p) => `203.0.113.${Number(p.network) & 0xff}`));
    });
  }

  it('probes every address before it reports unchanged: 5 of 400 deleted behind its back are found and re-inserted', async () => {
    const addresses = Array.from({ length: 400 }, (_, i) => `198.18.${i >> 8}.${i & 0xff}`);
    const wanted = bans(...addresses);
    await pushOnce(iptablesApiDriver, device({ probe: 4 }), wanted);
    const deleted = [fake.v4[17], fake.v4[123], fake.v4[200], fake.v4[301], fake.v4[399]];
    fake.v4.splice(0, fake.v4.length, ...fake.v4.filter((a) => !deleted.includes(a)));
    const push = () =>
      pushToDevice({ config: {} as never, driver: iptablesApiDriver, endpoint: device({ probe: 4 }) }, wanted, {
        log: silentLogger,
        guards: { maxShrink: 0.5, allowEmpty: false } as never,
      });
    const repaired = await push();
    expect(repaired.result, repaired.error).to.equal('changed');
    expect(repaired.sent).to.equal(5);
    expect(repaired.verified).to.equal('every one of the 400 unchanged addresses probed with /puship: 5 missing, re-inserted');
    expect(fake.chain()).to.have.members(addresses);
    const held = await push();
    expect(held.result).to.equal('unchanged');
    expect(held.verified).to.equal('every one of the 400 unchanged addresses probed with /puship: 0 missing, re-inserted');
  });

  it('re-adds every address when the full check is due (fullCheckEvery), whatever the ledger says', async () => {
    const wanted = bans('192.0.2.1', '192.0.2.2', '192.0.2.3');
    await pushOnce(iptablesApiDriver, device({ probe: 1 }), wanted);
    fake.v4.splice(fake.v4.indexOf('192.0.2.3'), 1); // one rule deleted by hand: a sample of 1 may miss it
    writeFileSync(
      ledger,
      JSON.stringify({
        ...readLedger(),
        version: 2,
        endpoint: `http://127.0.0.1:${fake.port}`,
        fullCheckAt: new Date(Date.now() - 2 * 86_400_000).toISOString(),
      }),
    );
    fake.requests.length = 0;
    const outcome = await pushOnce(iptablesApiDriver, device({ probe: 1 }), wanted);
    expect(puships()).to.have.length(3);
    expect(outcome.sent).to.equal(1);
    expect(fake.chain()).to.have.members(['192.0.2.1', '192.0.2.2', '192.0.2.3']);
    expect(Date.now() - Date.parse(present(readLedger().fullCheckAt, "the ledger's fullCheckAt"))).to.be.lessThan(60_000);
  });

  it('records intent before sending: an address added by a call cut off by the timeout is removed later', async () => {
    await pushOnce(iptablesApiDriver, device(), bans('192.0.2.1'));
    fake.stallOn = '/addip/192.0.2.2'; // the daemon adds it, the answer never comes
    const error = await pushOnce(iptablesApiDriver, device(), bans('192.0.2.1', '192.0.2.2', '192.0.2.3'), {
      context: driverContext(300),
    }).catch((e: unknown) => e);
    expect((error as DeviceError).message).to.include('timed out');
    expect(fake.chain()).to.include('192.0.2.2');
    expect(readLedger().pending).to.include('192.0.2.2');
    fake.stallOn = undefined;
    fake.requests.length = 0;
    await pushOnce(iptablesApiDriver, device(), bans('192.0.2.1'));
    expect(fake.requests).to.include('GET /removeip/192.0.2.2');
    expect(fake.chain()).to.deep.equal(['192.0.2.1']);
    expect(readLedger()).to.deep.include({ entries: ['192.0.2.1'], pending: [] });
  });

  it('keeps a failed add pending and proves it on the next push', async () => {
    fake.failAddress = '192.0.2.2';
    const error = await pushOnce(iptablesApiDriver, device(), bans('192.0.2.1', '192.0.2.2', '192.0.2.3')).catch((e: unknown) => e);
    expect((error as DeviceError).command).to.equal('GET /addip/192.0.2.2');
    expect(readLedger()).to.deep.include({
      entries: ['192.0.2.1'],
      pending: ['192.0.2.1', '192.0.2.2', '192.0.2.3'].filter((a) => a !== '192.0.2.1'),
    });
    fake.failAddress = undefined;
    fake.requests.length = 0;
    await pushOnce(iptablesApiDriver, device(), bans('192.0.2.1', '192.0.2.2', '192.0.2.3'));
    expect(puships()).to.include.members(['GET /puship/192.0.2.2', 'GET /puship/192.0.2.3']);
    expect(fake.chain()).to.have.members(['192.0.2.1', '192.0.2.2', '192.0.2.3']);
  });

  it('falls back to re-adding the whole set with /addip on a daemon without /puship', async () => {
    fake.withoutPush = true;
    await pushOnce(iptablesApiDriver, device(), bans('192.0.2.1', '192.0.2.2'));
    fake.reboot();
    const outcome = await pushOnce(iptablesApiDriver, device(), bans('192.0.2.1', '192.0.2.2'));
    expect(outcome.verified).to.include('re-added all 2 with /addip');
    expect(fake.chain()).to.have.members(['192.0.2.1', '192.0.2.2']);
  });

  it('dry run lists the calls and sends none', async () => {
    const outcome = await pushOnce(iptablesApiDriver, device(), bans('192.0.2.1'), { dryRun: true });
    expect(outcome.plan).to.deep.equal(['GET /flushchain', 'GET /addip/192.0.2.1']);
    expect(fake.requests).to.deep.equal([]);
    expect(existsSync(ledger)).to.equal(false);
  });

  it('refuses a network before sending anything (the daemon takes single addresses)', async () => {
    const error = await pushOnce(iptablesApiDriver, device(), bans('192.0.2.1', '198.51.100.0/24')).catch((e: unknown) => e);
    expect((error as DeviceError).message).to.include('198.51.100.0/24 is a network');
    expect(fake.requests).to.deep.equal([]);
  });

  it('treats a ledger written for another endpoint as unknown and flushes', async () => {
    await pushOnce(iptablesApiDriver, device(), bans('192.0.2.1'));
    writeFileSync(ledger, JSON.stringify({ ...readLedger(), version: 2, endpoint: 'http://127.0.0.2:8082' }));
    fake.requests.length = 0;
    await pushOnce(iptablesApiDriver, device(), bans('192.0.2.1'));
    expect(fake.requests).to.deep.equal(['GET /flushchain', 'GET /addip/192.0.2.1']);
  });

  it('gives up when the per-device signal fires', async () => {
    fake.delayMs = 400;
    const error = await pushOnce(iptablesApiDriver, device(), bans('192.0.2.1'), { context: driverContext(100) }).catch((e: unknown) => e);
    expect((error as DeviceError).message).to.include('timed out');
  });
});
