import { expect } from 'chai';
import { existsSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { DeviceError } from '../../../src/errors.js';
import { iptablesApiDriver } from '../../../src/push/drivers/iptables-api.js';
import { FakeIptablesApi } from '../../helpers/fake-iptables-api.js';
import { bans, deviceTarget, driverContext, pushOnce } from './device.js';

describe('push driver iptables-api (fake daemon on 127.0.0.1)', () => {
  let fake: FakeIptablesApi;
  let dir: string;
  let ledger: string;
  const device = () => deviceTarget(iptablesApiDriver, { port: fake.port, settings: { ledger } });

  beforeEach(async () => {
    fake = await new FakeIptablesApi().start();
    dir = mkdtempSync(join(tmpdir(), 'apiban-iptapi-'));
    ledger = join(dir, 'ledger', 'dev1.json');
  });
  afterEach(async () => {
    await fake.stop();
    rmSync(dir, { recursive: true, force: true });
  });

  it('without a ledger flushes the chain first, then adds the set', async () => {
    fake.v4.push('203.0.113.99'); // left over from an earlier tool: must go
    const outcome = await pushOnce(iptablesApiDriver, device(), bans('192.0.2.1', '2001:db8::7'));
    expect(fake.requests).to.deep.equal(['GET /flushchain', 'GET /addip/192.0.2.1', 'GET /addip/2001:db8::7']);
    expect(fake.chain()).to.deep.equal(['192.0.2.1', '2001:db8::7']);
    expect(outcome.sent).to.equal(3);
    expect(JSON.parse(readFileSync(ledger, 'utf8')).entries).to.deep.equal(['192.0.2.1', '2001:db8::7']);
  });

  it('sends nothing when the set is unchanged, and only the difference otherwise', async () => {
    await pushOnce(iptablesApiDriver, device(), bans('192.0.2.1', '192.0.2.2'));
    fake.requests.length = 0;
    const unchanged = await pushOnce(iptablesApiDriver, device(), bans('192.0.2.1', '192.0.2.2'));
    expect(unchanged.plan).to.deep.equal([]);
    expect(fake.requests).to.deep.equal([]);
    await pushOnce(iptablesApiDriver, device(), bans('192.0.2.2', '192.0.2.3'));
    expect(fake.requests).to.deep.equal(['GET /addip/192.0.2.3', 'GET /removeip/192.0.2.1']);
    expect(fake.chain()).to.deep.equal(['192.0.2.2', '192.0.2.3']);
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

  it('records progress when a call fails, and the next push sends only the rest', async () => {
    fake.failAddress = '192.0.2.2';
    const error = await pushOnce(iptablesApiDriver, device(), bans('192.0.2.1', '192.0.2.2', '192.0.2.3')).catch((e: unknown) => e);
    expect(error).to.be.instanceOf(DeviceError);
    expect((error as DeviceError).command).to.equal('GET /addip/192.0.2.2');
    expect(JSON.parse(readFileSync(ledger, 'utf8')).entries).to.deep.equal(['192.0.2.1']);
    fake.failAddress = undefined;
    fake.requests.length = 0;
    await pushOnce(iptablesApiDriver, device(), bans('192.0.2.1', '192.0.2.2', '192.0.2.3'));
    expect(fake.requests).to.deep.equal(['GET /addip/192.0.2.2', 'GET /addip/192.0.2.3']);
    expect(fake.chain()).to.deep.equal(['192.0.2.1', '192.0.2.2', '192.0.2.3']);
  });

  it('treats a ledger written for another endpoint as unknown and flushes', async () => {
    await pushOnce(iptablesApiDriver, device(), bans('192.0.2.1'));
    const other = JSON.parse(readFileSync(ledger, 'utf8'));
    writeFileSync(ledger, JSON.stringify({ ...other, endpoint: 'http://127.0.0.2:8082' }));
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
