/**
 * contrib/kamailio/apiban-exporter.cfg, unchanged, in Debian's Kamailio (-A sets the exporter's
 * address and the ipban expiry), end to end: a SIP scanner's OPTIONS makes Kamailio call serve's
 * ingest endpoint, serve lists the address in /plain.txt and pushes it over real OpenSSH to a
 * linux-nftables device, and the device's drop rule stops the scanner's next request before
 * Kamailio sees it. A restart of Kamailio flushes its bans (event_route[htable:mod-init]) and an
 * expired ipban entry unbans its address (event_route[htable:expired:ipban]).
 *
 * Two network namespaces: the SBC host (Kamailio on 198.18.77.1:5060, serve, sshd and the nft
 * tables, so Kamailio calls serve on 127.0.0.1 as docs/edge.md configures) and the attacker
 * (198.18.77.2, a benchmarking address the exporter's policy does not protect), joined by a veth.
 */
import { expect } from 'chai';
import { execFile, execFileSync } from 'node:child_process';
import { mkdirSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { fileURLToPath } from 'node:url';
import { NetworkNamespace, netnsUnavailable } from '../helpers/netns.js';
import { OpenSshServer, openSshUnavailable } from '../helpers/openssh.js';
import { CLI_ARGS, REPO_ROOT } from '../helpers/paths.js';
import { ingestPort, type ServeProcess, startServe, waitFor } from '../helpers/serve-process.js';
import { present } from '../helpers/present.js';
import { skipWhen } from '../helpers/skip.js';
import { dropCounterName } from '../../targets/nftables.js';
import { ingestEvents, plainAddresses, programMissing, type Running, run, stop, WAIT_MS, writeServeConfig } from './support.js';

const CONFIG = join(REPO_ROOT, 'contrib', 'kamailio', 'apiban-exporter.cfg');
const SIP_OPTIONS = fileURLToPath(new URL('./sip-options.js', import.meta.url));
const SBC = '198.18.77.1';
const ATTACKER = '198.18.77.2';
const SCANNER = 'friendly-scanner';
const PHONE = 'apiban-exporter-test-phone';

describe('contrib/kamailio: Kamailio reports a scanner, serve pushes it to an nft device that drops its next request', function () {
  this.timeout(120_000);
  let sbc: NetworkNamespace;
  let attacker: NetworkNamespace;
  let sshd: OpenSshServer;
  let dir: string;
  let serve: ServeProcess | undefined;
  let kamailio: Running | undefined;
  const probes: Running[] = [];

  /** serve's /plain.txt, fetched inside the SBC namespace, where it listens. */
  const served = async (): Promise<string[]> => {
    const script = `fetch('http://127.0.0.1:${serve?.port}/plain.txt').then((r) => r.text()).then((t) => process.stdout.write(t))`;
    const { stdout } = await promisify(execFile)('ip', ['netns', 'exec', sbc.name, process.execPath, '-e', script]);
    return plainAddresses(stdout);
  };

  /** The device's v4 set and its drop counter's packets, as nft lists them. */
  const device = (): { set: string[]; dropped: number } => {
    const listed = sbc.tryRun('nft', ['-j', 'list', 'table', 'inet', 'apiban']);
    if (listed.status !== 0) return { set: [], dropped: 0 };
    const items = (JSON.parse(listed.stdout) as { nftables: Record<string, { name?: string; elem?: unknown[]; packets?: number }>[] })
      .nftables;
    const set = items.find((item) => item.set?.name === 'v4')?.set?.elem ?? [];
    const counter = items.find((item) => item.counter?.name === dropCounterName('v4'))?.counter;
    return { set: set.map((e) => (typeof e === 'string' ? e : JSON.stringify(e))), dropped: counter?.packets ?? 0 };
  };

  /** An OPTIONS from the attacker, retransmitted until Kamailio answers (see sip-options.ts). */
  const probe = (userAgent: string): Running => {
    const running = run('ip', ['netns', 'exec', attacker.name, process.execPath, SIP_OPTIONS, ATTACKER, `${SBC}:5060`, userAgent]);
    probes.push(running);
    return running;
  };
  const answered = async (userAgent: string): Promise<string> => {
    const running = probe(userAgent);
    await waitFor(async () => running.child.exitCode !== null, `an answer to ${userAgent}'s OPTIONS:\n${kamailio?.output()}`, WAIT_MS);
    return running.output().trim();
  };

  const startKamailio = async (ipbanExpire: number): Promise<void> => {
    const edge = `http://127.0.0.1:${ingestPort(present(serve, 'serve'))}`;
    const runDir = mkdtempSync(join(dir, 'kamailio-'));
    const flushes = ingestEvents(present(serve, 'serve')).filter((e) => e === 'edge bans flushed').length;
    kamailio = run('ip', [
      ...['netns', 'exec', sbc.name, 'kamailio', '-DD', '-E', '-f', CONFIG, '-Y', runDir, '-w', runDir],
      ...['-P', join(runDir, 'kamailio.pid'), '-l', `udp:${SBC}:5060`, '-m', '32', '-M', '4'],
      ...['-A', `APIBAN_EXPORTER_URL="${edge}"`, '-A', `IPBAN_EXPIRE=${ipbanExpire}`],
    ]);
    // event_route[htable:mod-init] calls /flushchain as Kamailio starts: serve hears it.
    await waitFor(
      async () => ingestEvents(present(serve, 'serve')).filter((e) => e === 'edge bans flushed').length > flushes,
      `Kamailio's /flushchain at start:\n${kamailio.output()}`,
      WAIT_MS,
    );
  };

  before(async function () {
    skipWhen(this, openSshUnavailable() ?? netnsUnavailable(['nft']) ?? programMissing('kamailio'));
    dir = mkdtempSync(join(tmpdir(), 'apiban-kamailio-'));
    sbc = NetworkNamespace.create('kamsbc');
    attacker = NetworkNamespace.create('kamatk');
    execFileSync('ip', ['-n', sbc.name, 'link', 'add', 'sip0', 'type', 'veth', 'peer', 'name', 'sip1', 'netns', attacker.name]);
    for (const [ns, link, address] of [
      [sbc, 'sip0', SBC],
      [attacker, 'sip1', ATTACKER],
    ] as const) {
      ns.run('ip', ['link', 'set', 'lo', 'up']);
      ns.run('ip', ['address', 'add', `${address}/24`, 'dev', link]);
      ns.run('ip', ['link', 'set', link, 'up']);
    }
    sshd = await new OpenSshServer({ namespace: sbc.name }).start();
    const tempDir = join(sshd.dir, 'upload');
    mkdirSync(tempDir);
    const config = writeServeConfig(dir, '127.0.0.1/32', {
      push: {
        schedule: {},
        devices: [sshd.deviceEntry('sbc-firewall', 'linux-nftables', { tempDir, nftables: { dropRule: true } })],
      },
    });
    serve = await startServe(config, {}, '127.0.0.1:0', ['ip', 'netns', 'exec', sbc.name, process.execPath, ...CLI_ARGS]);
  });

  afterEach(async () => {
    for (const running of probes.splice(0)) await stop(running);
  });

  after(async () => {
    await stop(kamailio);
    serve?.child.kill('SIGTERM');
    await serve?.exited;
    await sshd?.stop();
    attacker?.remove();
    sbc?.remove();
    if (dir) rmSync(dir, { recursive: true, force: true });
  });

  it('blocks a friendly-scanner: /blockip, served in /plain.txt, pushed to nft, its next request dropped before Kamailio', async () => {
    await startKamailio(600);
    expect(await answered(PHONE), 'an ordinary OPTIONS from the attacker, before any ban').to.equal('SIP/2.0 200 OK');

    const scanner = probe(SCANNER);
    await waitFor(
      async () => (await served()).includes(ATTACKER),
      `${ATTACKER} in /plain.txt:\n${present(kamailio, 'Kamailio').output()}`,
      WAIT_MS,
    );
    await stop(scanner);
    expect(scanner.output(), 'Kamailio never answers a scanner').to.equal('');
    await waitFor(
      async () => ingestEvents(present(serve, 'serve')).includes(`edge ban accepted ${ATTACKER}`),
      "serve's log of the ban",
      WAIT_MS,
    );

    await waitFor(
      async () => device().set.includes(ATTACKER),
      `${ATTACKER} in the device's set:\n${present(serve, 'serve').stderr()}`,
      WAIT_MS,
    );
    const before = device().dropped;
    const phone = probe(PHONE);
    await waitFor(async () => device().dropped > before, "the attacker's next request counted by the device's drop rule", WAIT_MS);
    await stop(phone);
    expect(phone.output(), 'no answer: the request never reached Kamailio').to.equal('');
  });

  it('unblocks: a restart flushes its bans (htable:mod-init), an expired ipban entry sends /removeip (htable:expired)', async () => {
    await stop(kamailio);
    await startKamailio(2);
    await waitFor(async () => !(await served()).includes(ATTACKER), `${ATTACKER} gone from /plain.txt after the flush`, WAIT_MS);
    expect(await answered(PHONE), 'the device lets the attacker through again').to.equal('SIP/2.0 200 OK');

    const mark = ingestEvents(present(serve, 'serve')).length;
    const scanner = probe(SCANNER);
    await waitFor(async () => ingestEvents(present(serve, 'serve')).length > mark, 'the scanner reported again', WAIT_MS);
    await stop(scanner);
    await waitFor(
      async () => ingestEvents(present(serve, 'serve')).slice(mark).includes(`edge ban removed ${ATTACKER}`),
      `Kamailio's /removeip when the ipban entry expires:\n${present(kamailio, 'Kamailio').output()}`,
      WAIT_MS,
    );
    expect(ingestEvents(present(serve, 'serve')).slice(mark)).to.deep.equal([
      `edge ban accepted ${ATTACKER}`,
      `edge ban removed ${ATTACKER}`,
    ]);
    await waitFor(async () => !(await served()).includes(ATTACKER), `${ATTACKER} gone from /plain.txt after /removeip`, WAIT_MS);
  });
});
