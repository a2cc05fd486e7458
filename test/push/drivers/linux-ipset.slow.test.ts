import { expect } from 'chai';
import { mkdirSync, readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { DeviceError } from '../../../src/errors.js';
import { linuxIpsetDriver } from '../../../src/push/drivers/linux-ipset.js';
import { NetworkNamespace, netnsUnavailable } from '../../helpers/netns.js';
import { OpenSshServer, openSshUnavailable, SLOW_AND_LOGGED } from '../../helpers/openssh.js';
import { bans, driverContext, pushOnce, pushToSlowDevice, sshEndpoint } from './device.js';
import { skipWhen } from '../../helpers/skip.js';

/** Members as the kernel lists them, read independently of the driver. */
function kernelMembers(ns: NetworkNamespace, set: string): string[] {
  return ns
    .run('ipset', ['save', set])
    .split('\n')
    .filter((l) => l.startsWith('add '))
    .map((l) => l.split(' ')[2])
    .sort();
}

describe('push driver linux-ipset (real OpenSSH + ipset in a network namespace)', function () {
  this.timeout(20_000);
  let ns: NetworkNamespace;
  let server: OpenSshServer;
  let tempDir: string;
  const device = (ipset: Record<string, unknown> = {}) => sshEndpoint(linuxIpsetDriver, server, { tempDir, ipset });
  const commandsRun = () => readFileSync(join(server.dir, 'commands.log'), 'utf8').trim().split('\n');

  before(async function () {
    const missing = openSshUnavailable() ?? netnsUnavailable(['ipset']);
    skipWhen(this, missing);
    ns = NetworkNamespace.create('ipset');
    server = await new OpenSshServer({ wrapperPrelude: SLOW_AND_LOGGED, runner: `ip netns exec ${ns.name} /bin/sh -c` }).start();
    tempDir = join(server.dir, 'upload');
    mkdirSync(tempDir);
  });
  after(async () => {
    await server?.stop();
    ns?.remove();
  });
  beforeEach(() => {
    for (const set of ['apiban4', 'apiban6', 'apiban4-tmp', 'apiban6-tmp']) ns?.tryRun('ipset', ['destroy', set]);
    if (server) writeFileSync(join(server.dir, 'commands.log'), '');
  });

  it('creates both sets on the first push and fills them', async () => {
    const outcome = await pushOnce(linuxIpsetDriver, device(), bans('192.0.2.10', '198.51.100.0/24', '2001:db8::1'));
    expect(kernelMembers(ns, 'apiban4')).to.deep.equal(['192.0.2.10', '198.51.100.0/24']);
    expect(kernelMembers(ns, 'apiban6')).to.deep.equal(['2001:db8::1']);
    expect(outcome.sent, 'entries uploaded').to.equal(3);
    expect(outcome.bytes).to.be.greaterThan(0);
    expect(commandsRun().filter((c) => c.includes('restore'))[0]).to.match(/^ipset restore -file /);
    expect(ns.tryRun('ipset', ['list', 'apiban4-tmp']).status).to.not.equal(0);
    expect(readdirSync(tempDir)).to.deep.equal([]);
  });

  it('sends nothing when the sets already hold the set, only the swap file otherwise', async () => {
    await pushOnce(linuxIpsetDriver, device(), bans('192.0.2.1', '192.0.2.2'));
    writeFileSync(join(server.dir, 'commands.log'), '');
    const unchanged = await pushOnce(linuxIpsetDriver, device(), bans('192.0.2.1', '192.0.2.2'));
    expect(unchanged.plan).to.deep.equal([]);
    expect(commandsRun()).to.deep.equal(['ipset save apiban4', 'ipset save apiban6']);
    await pushOnce(linuxIpsetDriver, device(), bans('192.0.2.2', '203.0.113.0/28'));
    expect(kernelMembers(ns, 'apiban4')).to.deep.equal(['192.0.2.2', '203.0.113.0/28']);
  });

  it('sends only add/del lines for a 10-entry change to a large set, in one ipset restore', async function () {
    this.timeout(60_000);
    const large = Array.from({ length: 20_000 }, (_, i) => `198.18.${i >> 8}.${i & 0xff}`);
    // a large set takes nft/ipset seconds to list on a loaded machine: a generous device timeout
    const first = await pushOnce(linuxIpsetDriver, device(), bans(...large), { context: driverContext(50_000) });
    expect(first.bytes).to.be.greaterThan(300_000);
    writeFileSync(join(server.dir, 'commands.log'), '');
    const wanted = [...large.slice(5), '203.0.113.1', '203.0.113.2', '203.0.113.3', '2001:db8::1', '2001:db8::2'];
    const outcome = await pushOnce(linuxIpsetDriver, device(), bans(...wanted), { context: driverContext(50_000) });
    expect(outcome.sent).to.equal(10);
    expect(outcome.bytes).to.be.within(100, 600);
    expect(commandsRun().filter((c) => c.includes('restore')))
      .to.have.length(1)
      .and.match(/^ipset -exist restore -file /);
    expect([...kernelMembers(ns, 'apiban4'), ...kernelMembers(ns, 'apiban6')].sort()).to.deep.equal([...wanted].sort());
  });

  it('refills the whole set (create + swap) when a live set is missing', async () => {
    await pushOnce(linuxIpsetDriver, device(), bans('192.0.2.1', '2001:db8::1'));
    ns.run('ipset', ['destroy', 'apiban6']);
    writeFileSync(join(server.dir, 'commands.log'), '');
    const outcome = await pushOnce(linuxIpsetDriver, device(), bans('192.0.2.1', '192.0.2.9', '2001:db8::1'));
    expect(outcome.sent).to.equal(3);
    expect(commandsRun().filter((c) => c.includes('restore')))
      .to.have.length(1)
      .and.match(/^ipset restore -file /);
    expect(kernelMembers(ns, 'apiban6')).to.deep.equal(['2001:db8::1']);
    expect(kernelMembers(ns, 'apiban4')).to.deep.equal(['192.0.2.1', '192.0.2.9']);
  });

  it('a foreign live set gets the full refill, whose rejection leaves the live set as it was', async () => {
    // a live set of another type: not ours, so no difference is sent; `create ... -exist` with a different header is refused on line 1
    ns.run('ipset', ['create', 'apiban4', 'hash:ip', 'family', 'inet']);
    ns.run('ipset', ['add', 'apiban4', '192.0.2.1']);
    const error = await pushOnce(linuxIpsetDriver, device(), bans('198.51.100.0/24')).catch((e: unknown) => e);
    expect(error).to.be.instanceOf(DeviceError);
    expect((error as DeviceError).command).to.match(/^ipset restore -file /);
    expect(kernelMembers(ns, 'apiban4')).to.deep.equal(['192.0.2.1']);
    expect(readdirSync(tempDir)).to.deep.equal([]);
  });

  it('dry run prints the commands and changes nothing', async () => {
    const outcome = await pushOnce(linuxIpsetDriver, device({ setV4: 'ban4', setV6: 'ban6' }), bans('192.0.2.1'), { dryRun: true });
    expect(outcome.plan[1]).to.match(/^ipset restore -file .*\.ipset$/);
    expect(commandsRun()).to.deep.equal(['ipset save ban4', 'ipset save ban6']);
    expect(ns.tryRun('ipset', ['list', 'ban4']).status).to.not.equal(0);
  });

  it('stops on members it does not manage (timeouts) instead of guessing', async () => {
    ns.run('ipset', ['create', 'apiban4', 'hash:net', 'family', 'inet', 'timeout', '600']);
    ns.run('ipset', ['add', 'apiban4', '192.0.2.1']);
    const error = await pushOnce(linuxIpsetDriver, device(), bans('192.0.2.1')).catch((e: unknown) => e);
    expect((error as DeviceError).message).to.include('unexpected line');
  });

  it('gives up on a slow device when the per-device signal fires', async () => {
    const error = await pushToSlowDevice(server.dir, linuxIpsetDriver, device(), bans('192.0.2.2'));
    expect((error as DeviceError).message).to.match(/timed out/);
  });
});
