/**
 * One server of `bench -- serve`, in a process of its own so it can be pinned to its own CPU and
 * so the parent's bookkeeping never runs on its event loop. Prints its URL on stdout once it answers.
 *
 * `serve-target.js serve`: the daemon with an address allowlist and metrics on, as issue 9 measures.
 * `serve-target.js bare <url>`: what any node:http server costs, a bare node:http handler that
 * answers with precomputed headers. It copies the status line's headers and body of `<url>` (the
 * serve process) once, so both send the same bytes and the ratio compares handlers, not payloads.
 */
import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { applyPolicy, DEFAULT_POLICY, parseEntries } from '../src/banset/policy.js';
import { configSchema } from '../test/helpers/config-schema.js';
import { silentLogger } from '../src/log.js';
import { Runtime } from '../src/runtime/runtime.js';
import type { PublishedSet } from '../src/sync/published-set.js';
import { NO_TRAFFIC } from '../src/sync/service.js';
import { generateAddresses } from './generate.js';

const LIST_SIZE = 10_000;

async function startServe(): Promise<string> {
  const { bans, report } = applyPolicy(parseEntries(generateAddresses(LIST_SIZE), 'bench'), DEFAULT_POLICY);
  const set: PublishedSet = { bans, report, syncedAt: new Date(), source: 'apiban' };
  const runner = {
    sync: async () => ({
      ...NO_TRAFFIC,
      ok: true,
      full: false,
      size: bans.size,
      durationMs: 0,
      changed: false,
      published: set,
    }),
    current: () => set,
    close: async () => undefined,
  };
  // The allowlist makes every request pay for the access check, as a deployment that uses one does.
  const config = configSchema.parse({ serve: { access: { allow: ['127.0.0.0/8', '::1/128'] } } });
  const loaded = { config, source: 'bench', stateDir: tmpdir() };
  const daemon = await Runtime.start({ loaded, log: silentLogger, createSync: async () => runner, http: { listen: '127.0.0.1:0' } });
  await daemon.syncNow();
  return `http://127.0.0.1:${daemon.address.port}/plain.txt`;
}

/** Headers node adds itself on every response; copying them would send them twice. */
const NODE_OWN = new Set(['date', 'connection', 'keep-alive', 'transfer-encoding']);

function flatten(headers: Headers): (string | number)[] {
  const list: (string | number)[] = [];
  headers.forEach((value, name) => {
    if (!NODE_OWN.has(name)) list.push(name, value);
  });
  return list;
}

async function startBare(source: string): Promise<string> {
  // The load generators send no Accept-Encoding: copy the identity representation.
  const identity = { 'accept-encoding': 'identity' };
  const full = await fetch(source, { headers: identity });
  const body = Buffer.from(await full.arrayBuffer());
  const etag = full.headers.get('etag') ?? '';
  const revalidated = await fetch(source, { headers: { ...identity, 'if-none-match': etag } });
  const ok = flatten(full.headers);
  const notModified = flatten(revalidated.headers);
  const server = createServer((req, res) => {
    if (req.headers['if-none-match'] === etag) {
      res.writeHead(304, notModified);
      res.end();
      return;
    }
    res.writeHead(200, ok);
    res.end(body);
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  return `http://127.0.0.1:${(server.address() as AddressInfo).port}/plain.txt`;
}

// A normal exit on SIGINT, so `--cpu-prof` writes its profile when the bench stops this process.
process.on('SIGINT', () => process.exit(0));
const [kind, source] = process.argv.slice(2);
const url = kind === 'bare' && source !== undefined ? await startBare(source) : await startServe();
process.stdout.write(`${url}\n`);
