import { expect } from 'chai';
import { mkdirSync, readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { DeviceError } from '../../../src/errors.js';
import { linuxNftablesDriver } from '../../../src/push/drivers/linux-nftables.js';
import { silentLogger } from '../../../src/log.js';
import { pushToDevice } from '../../../src/push/run.js';
import { NetworkNamespace, netnsUnavailable } from '../../helpers/netns.js';
import { OpenSshServer, openSshUnavailable, SLOW_AND_LOGGED } from '../../helpers/openssh.js';
import { bans, driverContext, pushOnce, pushToSlowDevice, sshEndpoint } from './device.js';
import { skipWhen } from '../../helpers/skip.js';

/** The kernel's view, read independently of the driver: element texts as nft prints them. */
function kernelSet(ns: NetworkNamespace, set: string): string[] {
  const answer = JSON.parse(ns.run('nft', ['-j', 'list', 'set', 'inet', 'apiban', set])) as { nftables: { set?: { elem?: unknown[] } }[] };
  const elems = answer.nftables.find((i) => i.set)?.set?.elem ?? [];
  return elems.map((e) => (typeof e === 'string' ? e : JSON.stringify(e)));
}

describe('push driver linux-nftables (real OpenSSH + nft in a network namespace)', function () {
  this.timeout(20_000);
  let ns: NetworkNamespace;
  let server: OpenSshServer;
  let tempDir: string;
  const device = () => sshEndpoint(linuxNftablesDriver, server, { tempDir });
  const commandsRun = () => readFileSync(join(server.dir, 'commands.log'), 'utf8').trim().split('\n');

  before(async function () {
    const missing = openSshUnavailable() ?? netnsUnavailable(['nft']);
    skipWhen(this, missing);
    ns = NetworkNamespace.create('nft');
    server = new OpenSshServer({
      wrapperPrelude: SLOW_AND_LOGGED,
      runner: `ip netns exec ${ns.name} /bin/sh -c`,
    });
    await server.start();
    tempDir = join(server.dir, 'upload');
    mkdirSync(tempDir);
  });
  after(async () => {
    await server?.stop();
    ns?.remove();
  });
  beforeEach(() => {
    ns?.tryRun('nft', ['delete', 'table', 'inet', 'apiban']);
    if (server) writeFileSync(join(server.dir, 'commands.log'), '');
  });

  it('creates the table and sets on the first push and fills them', async () => {
    const outcome = await pushOnce(linuxNftablesDriver, device(), bans('192.0.2.10', '198.51.100.0/24', '2001:db8::1'));
    expect(kernelSet(ns, 'v4')).to.deep.equal(['192.0.2.10', '{"prefix":{"addr":"198.51.100.0","len":24}}']);
    expect(kernelSet(ns, 'v6')).to.deep.equal(['2001:db8::1']);
    expect(outcome.sent, 'entries uploaded').to.equal(3);
    expect(outcome.bytes).to.be.greaterThan(0);
    expect(readdirSync(tempDir)).to.deep.equal([]);
  });

  it('sends nothing when the kernel already holds the set (also when nft merged neighbours)', async () => {
    const wanted = bans('192.0.2.2', '192.0.2.3', '203.0.113.9');
    await pushOnce(linuxNftablesDriver, device(), wanted);
    expect(kernelSet(ns, 'v4')).to.deep.equal(['{"prefix":{"addr":"192.0.2.2","len":31}}', '203.0.113.9']);
    writeFileSync(join(server.dir, 'commands.log'), '');
    const again = await pushOnce(linuxNftablesDriver, device(), wanted);
    expect(again.plan).to.deep.equal([]);
    expect(commandsRun()).to.deep.equal(['nft -j list table inet apiban']);
  });

  it('reports an unchanged device as unchanged, sent 0, also when the kernel merged neighbours (job and driver compare one form)', async () => {
    const wanted = bans('192.0.2.2', '192.0.2.3', '198.51.100.0/25', '198.51.100.128/25', '203.0.113.9', '2001:db8::1', '2001:db8::2');
    await pushOnce(linuxNftablesDriver, device(), wanted);
    const result = await pushToDevice({ config: {} as never, driver: linuxNftablesDriver, endpoint: device() }, wanted, {
      log: silentLogger,
      guards: { maxShrink: 0.1, allowEmpty: false },
    });
    expect(result, result.error).to.include({ result: 'unchanged', added: 0, removed: 0, sent: 0 });
  });

  it('sends only delete/add element statements for a 10-entry change to a large set, in one nft -f transaction', async function () {
    this.timeout(60_000);
    const large = Array.from({ length: 20_000 }, (_, i) => `198.18.${i >> 7}.${(i & 0x7f) * 2}`); // never adjacent: no merging
    // a large set takes nft/ipset seconds to list on a loaded machine: a generous device timeout
    const first = await pushOnce(linuxNftablesDriver, device(), bans(...large), { context: driverContext(50_000) });
    expect(first.bytes).to.be.greaterThan(200_000);
    writeFileSync(join(server.dir, 'commands.log'), '');
    const wanted = [...large.slice(5), '203.0.113.1', '203.0.113.3', '203.0.113.5', '2001:db8::1', '2001:db8::3'];
    const outcome = await pushOnce(linuxNftablesDriver, device(), bans(...wanted), { context: driverContext(50_000) });
    expect(outcome.sent).to.equal(10);
    expect(outcome.bytes).to.be.within(100, 700);
    expect(commandsRun().filter((c) => c.startsWith('nft -f'))).to.have.length(1);
    expect([...kernelSet(ns, 'v4'), ...kernelSet(ns, 'v6')].sort()).to.deep.equal([...wanted].sort());
  });

  it("splits a merged interval by deleting the kernel's element whole and re-adding what stays", async () => {
    await pushOnce(linuxNftablesDriver, device(), bans('192.0.2.2', '192.0.2.3', '192.0.2.4', '203.0.113.9'));
    expect(kernelSet(ns, 'v4')).to.deep.equal(['{"range":["192.0.2.2","192.0.2.4"]}', '203.0.113.9']);
    const outcome = await pushOnce(linuxNftablesDriver, device(), bans('192.0.2.2', '192.0.2.4', '203.0.113.9'));
    expect(kernelSet(ns, 'v4')).to.deep.equal(['192.0.2.2', '192.0.2.4', '203.0.113.9']);
    expect(outcome.sent, 'one element deleted, two prefixes re-added').to.equal(3);
  });

  it('refills the whole table when a set is missing or was not created by this driver', async () => {
    await pushOnce(linuxNftablesDriver, device(), bans('192.0.2.1', '2001:db8::1'));
    ns.run('nft', ['delete', 'set', 'inet', 'apiban', 'v6']);
    const missing = await pushOnce(linuxNftablesDriver, device(), bans('192.0.2.1', '192.0.2.7', '2001:db8::1'));
    expect(missing.sent, 'the whole set').to.equal(3);
    expect(kernelSet(ns, 'v6')).to.deep.equal(['2001:db8::1']);
    ns.run('nft', ['delete', 'table', 'inet', 'apiban']);
    ns.run(
      'nft',
      ['-f', '-'],
      'table inet apiban {\n set v4 { type ipv4_addr; flags interval,timeout; elements = { 192.0.2.1 } }\n set v6 { type ipv6_addr; flags interval; }\n}\n',
    );
    const foreign = await pushOnce(linuxNftablesDriver, device(), bans('192.0.2.1', '192.0.2.7')).catch((e: unknown) => e);
    expect((foreign as DeviceError).command, 'the full file, which nft refuses over a set with other flags').to.match(/^nft -f /);
    expect(kernelSet(ns, 'v4')).to.deep.equal(['192.0.2.1']);
  });

  it('replaces the set with the new one in one transaction', async () => {
    await pushOnce(linuxNftablesDriver, device(), bans('192.0.2.1', '192.0.2.5'));
    const outcome = await pushOnce(linuxNftablesDriver, device(), bans('192.0.2.5', '203.0.113.0/28'));
    expect(outcome.plan[1]).to.match(/^nft -f \/.*\/apiban-exporter-dev1-[0-9a-f]{12}\.nft$/);
    expect(kernelSet(ns, 'v4')).to.deep.equal(['192.0.2.5', '{"prefix":{"addr":"203.0.113.0","len":28}}']);
  });

  it("a rejected file leaves the old set in place and reports nft's error", async () => {
    // a set created by hand without `flags interval` cannot take a prefix
    ns.run('nft', ['-f', '-'], 'table inet apiban {\n set v4 { type ipv4_addr; elements = { 192.0.2.1 }; }\n}\n');
    const error = await pushOnce(linuxNftablesDriver, device(), bans('198.51.100.0/24')).catch((e: unknown) => e);
    expect(error).to.be.instanceOf(DeviceError);
    expect((error as DeviceError).command).to.match(/^nft -f /);
    expect((error as DeviceError).output).to.include('flags interval');
    expect(kernelSet(ns, 'v4')).to.deep.equal(['192.0.2.1']);
    expect(readdirSync(tempDir)).to.deep.equal([]);
  });

  it('dry run prints the commands and changes nothing', async () => {
    const outcome = await pushOnce(linuxNftablesDriver, device(), bans('192.0.2.1'), { dryRun: true });
    expect(outcome.plan).to.have.length(3);
    expect(outcome.plan[0]).to.match(/^sftp put /);
    expect(outcome.plan[2]).to.match(/^rm -f /);
    expect(ns.tryRun('nft', ['list', 'table', 'inet', 'apiban']).status).to.not.equal(0);
  });

  it('uses sudo -n when asked', async () => {
    const target = sshEndpoint(linuxNftablesDriver, server, { tempDir, sudo: true });
    const outcome = await pushOnce(linuxNftablesDriver, target, bans('192.0.2.1'), { dryRun: true });
    expect(outcome.plan[1]).to.match(/^sudo -n nft -f /);
    expect(commandsRun()).to.deep.equal(['sudo -n nft -j list table inet apiban']);
  });

  it('gives up on a slow device when the per-device signal fires', async () => {
    await pushOnce(linuxNftablesDriver, device(), bans('192.0.2.1'));
    const error = await pushToSlowDevice(server.dir, linuxNftablesDriver, device(), bans('192.0.2.2'));
    expect((error as DeviceError).message).to.match(/timed out/);
    expect(kernelSet(ns, 'v4')).to.deep.equal(['192.0.2.1']);
  });

  it('refuses table names that are not plain nft identifiers', () => {
    expect(() => linuxNftablesDriver.settings.parse({ nftables: { table: 'x; flush ruleset' } })).to.throw();
  });
});
