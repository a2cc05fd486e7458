/**
 * Issue 20: how long a ban from the SIP edge takes to reach a pushed firewall. The real `serve` (the
 * bundled CLI as a child process, under BENCH_NODE or this Node) takes 100 `/blockip` calls on its
 * ingest listener, one at a time with a seeded gap of 50-300 ms after each answer (the same gaps on
 * every run), and pushes by push.schedule to one linux-nftables device: nft in a network namespace
 * behind a real OpenSSH server (the test helpers'). For each ban: the time from its 200 answer to
 * the kernel's add event for that address in the device's set (bench/nft-element-watch.ts), as
 * p50, p95 and max, with ingest.pushWithin at its default (5 s) and at 200 ms, where what is left
 * is the ingest's 100 ms gathering of changes and the push itself (an SSH session, a read of the
 * set, an upload, `nft -f`). Pushes are the `nft -f` the device ran from the first ban to the last
 * arrival. The title says whether that Node loads ssh2's native crypto binding (bench/ssh2-binding.ts):
 * without it every push is slower. Measures, never asserts; skipped without root, sshd or nft.
 */
import { execFile } from 'node:child_process';
import { mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { loadavg, tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { promisify } from 'node:util';
import linuxNftablesDriver from '../src/push/drivers/linux-nftables.js';
import { NetworkNamespace, netnsUnavailable } from '../test/helpers/netns.js';
import { OpenSshServer, openSshUnavailable, SLOW_AND_LOGGED } from '../test/helpers/openssh.js';
import { type ServeProcess, startServe, waitFor } from '../test/helpers/serve-process.js';
import { oddHosts, seededRandom } from './generate.js';
import { NftElementWatch } from './nft-element-watch.js';
import { benchNode } from './node-under-test.js';
import { ssh2BindingState } from './ssh2-binding.js';
import type { Report } from './report.js';

const run = promisify(execFile);
const CLI = process.env.BENCH_CLI ?? fileURLToPath(new URL('../src/cli/bin.cjs', import.meta.url));
const BANS = 100;
const GAP_MS = { min: 50, max: 300 };
/** The list file's entries: the first sync publishes them and the first push creates the set. */
const LISTED = 10;
/** How long after the last answer a ban may still arrive before it counts as missing. */
const ARRIVAL_LIMIT_MS = 60_000;
const RUNS: { pushWithin?: string; label: string }[] = [{ label: '5s (default)' }, { pushWithin: '200ms', label: '200ms' }];

interface Device {
  ns: NetworkNamespace;
  server: OpenSshServer;
  tempDir: string;
}

export async function benchEdge(report: Report): Promise<void> {
  const title = `edge ban to a pushed nftables set over SSH: ${BANS} /blockip, ${GAP_MS.min}-${GAP_MS.max} ms apart`;
  const missing = openSshUnavailable() ?? netnsUnavailable(['nft']);
  if (missing !== undefined) return report(title, [{ skipped: missing }]);
  const rows = [];
  for (const { pushWithin, label } of RUNS) rows.push({ 'ingest.pushWithin': label, ...(await measure(pushWithin)) });
  const { stdout: version } = await run(benchNode(), ['--version']);
  report(`${title} (serve on node ${version.trim()}, ssh2's native crypto binding: ${ssh2BindingState(benchNode())})`, rows);
}

async function measure(pushWithin: string | undefined): Promise<Record<string, string | number>> {
  const device = await startDevice();
  const dir = mkdtempSync(join(tmpdir(), 'apiban-bench-edge-'));
  let serve: ServeProcess | undefined;
  let watch: NftElementWatch | undefined;
  try {
    serve = await startServe(writeConfig(dir, device, pushWithin), {}, '127.0.0.1:0', [benchNode(), CLI]);
    const edge = await ingestUrl(serve);
    await firstPush(serve);
    watch = await NftElementWatch.start(device.ns);
    const appliesBefore = applies(device);
    const { table, setV4 } = linuxNftablesDriver.settings.parse({ tempDir: device.tempDir }).nftables;
    const answered = await sendBans(edge, oddHosts(LISTED, BANS));
    const delays = await arrivalDelays(answered, (address) => watch?.addedAt(table, setV4, address));
    return {
      '200 answers': answered.size,
      'in the set': delays.length,
      ...spread(delays),
      'pushes (nft -f)': applies(device) - appliesBefore,
      'load (1 min)': loadavg()[0].toFixed(1),
    };
  } finally {
    await watch?.stop();
    if (serve !== undefined) {
      serve.child.kill('SIGTERM');
      await serve.exited;
    }
    await device.server.stop();
    device.ns.remove();
    rmSync(dir, { recursive: true, force: true });
  }
}

/** A namespace of its own behind a real sshd that logs every command it runs (for the `nft -f` count). */
async function startDevice(): Promise<Device> {
  const ns = NetworkNamespace.create('edge');
  const server = await new OpenSshServer({ runner: `ip netns exec ${ns.name} /bin/sh -c`, wrapperPrelude: SLOW_AND_LOGGED }).start();
  const tempDir = join(server.dir, 'upload');
  mkdirSync(tempDir);
  return { ns, server, tempDir };
}

function writeConfig(dir: string, device: Device, pushWithin: string | undefined): string {
  const list = join(dir, 'list.txt');
  writeFileSync(list, `${oddHosts(0, LISTED).join('\n')}\n`);
  const config = {
    sources: [{ name: 'bench', file: list }],
    state: { dir: join(dir, 'state') },
    // No sync while the bans come: what reaches the device comes through the ingest alone.
    sync: { interval: '1h' },
    ingest: {
      listen: '127.0.0.1:0',
      clients: [{ name: 'bench', allow: ['127.0.0.1/32'] }],
      ...(pushWithin === undefined ? {} : { pushWithin }),
    },
    push: { devices: [device.server.deviceEntry('edge-fw', 'linux-nftables', { tempDir: device.tempDir })] },
  };
  const file = join(dir, 'config.json');
  writeFileSync(file, JSON.stringify(config));
  return file;
}

/** The ingest listener's URL, from the line serve logs when it listens. */
async function ingestUrl(serve: ServeProcess): Promise<string> {
  const line = () =>
    serve
      .stderr()
      .split('\n')
      .find((l) => l.includes('"edge ingest listening"'));
  await waitFor(async () => line() !== undefined, 'the "edge ingest listening" line of serve');
  const { host, port } = JSON.parse(line() as string) as { host: string; port: number };
  return `http://${host}:${port}`;
}

/** The push after the first sync, which creates the table and its sets on the device. */
async function firstPush(serve: ServeProcess): Promise<void> {
  await waitFor(async () => serve.stderr().includes('"scheduled push finished"'), 'the first scheduled push', 60_000);
  if (!serve.stderr().includes('"device updated"')) throw new Error(`the first push did not update the device:\n${serve.stderr()}`);
}

function applies(device: Device): number {
  const log = readFileSync(join(device.server.dir, 'commands.log'), 'utf8');
  return log.split('\n').filter((command) => /^nft -f /.test(command)).length;
}

/** Each ban in turn, as an SBC would send them; each answered 200 mapped to when its answer came. */
async function sendBans(edge: string, addresses: string[]): Promise<Map<string, number>> {
  const gap = seededRandom(20);
  const answered = new Map<string, number>();
  for (const address of addresses) {
    const response = await fetch(`${edge}/blockip/${address}`);
    const at = performance.now();
    const body = await response.text();
    if (response.status === 200) answered.set(address, at);
    else process.stderr.write(`edge bench: /blockip/${address} answered ${response.status} ${body}`);
    await new Promise((resolve) => setTimeout(resolve, GAP_MS.min + (gap() % (GAP_MS.max - GAP_MS.min + 1))));
  }
  return answered;
}

/** Each answered ban's time from its answer to its add event; one still missing ARRIVAL_LIMIT_MS after the last answer is left out. */
async function arrivalDelays(answered: Map<string, number>, addedAt: (address: string) => number | undefined): Promise<number[]> {
  const deadline = performance.now() + ARRIVAL_LIMIT_MS;
  while (performance.now() < deadline && [...answered.keys()].some((address) => addedAt(address) === undefined)) {
    await new Promise((resolve) => setTimeout(resolve, 50));
  }
  return [...answered].flatMap(([address, at]) => {
    const added = addedAt(address);
    return added === undefined ? [] : [added - at];
  });
}

/** p50, p95 (nearest rank) and max in milliseconds. */
function spread(delays: number[]): Record<string, string> {
  const sorted = [...delays].sort((a, b) => a - b);
  const rank = (share: number) => sorted[Math.max(0, Math.ceil(share * sorted.length) - 1)];
  const ms = (value: number | undefined) => (value === undefined ? 'n/a' : value.toFixed(0));
  return { 'p50 ms': ms(rank(0.5)), 'p95 ms': ms(rank(0.95)), 'max ms': ms(sorted.at(-1)) };
}
