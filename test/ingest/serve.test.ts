/** Edge bans in serve: a /blockip on the ingest listener shows in every served output, and leaves when it expires. */
import { expect } from 'chai';
import { mkdtemp } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { silentLogger } from '../../src/log.js';
import { Runtime } from '../../src/runtime/runtime.js';
import { startEdgeExtension } from '../../src/ingest/extension.js';
import { waitFor } from '../helpers/serve-process.js';
import { configSchema } from '../helpers/config-schema.js';
import { bansOf, fetchRaw, ScriptedRunner } from '../serve/support.js';
import { call, removeDir } from './support.js';

describe('edge bans in serve', () => {
  let daemon: Runtime;
  let stateDir: string;
  let base: string;
  let edge: string;

  beforeEach(async () => {
    stateDir = await mkdtemp(join(tmpdir(), 'edge-serve-'));
    const config = configSchema.parse({ ingest: { listen: '127.0.0.1:0', clients: [{ name: 'sbc1', allow: ['127.0.0.1/32'] }] } });
    daemon = await Runtime.start({
      loaded: { config, source: 'test', stateDir },
      log: silentLogger,
      createSync: async () => new ScriptedRunner(bansOf('192.0.2.1')),
      startExtension: startEdgeExtension,
      http: { listen: '127.0.0.1:0', processMetrics: false },
    });
    await daemon.syncNow();
    base = `http://127.0.0.1:${daemon.address.port}`;
    edge = `http://127.0.0.1:${daemon.extensionAddress?.port}`;
  });

  afterEach(async () => {
    await daemon.shutdown();
    await removeDir(stateDir);
  });

  /** The addresses /plain.txt serves (its comment header left out). */
  const plain = async () => listed((await fetchRaw(`${base}/plain.txt`)).body);
  const listed = (body: Buffer) =>
    body
      .toString()
      .split('\n')
      .filter((line) => line !== '' && !line.startsWith('#'))
      .join(' ');

  it('serves an accepted ban in /plain.txt and the other outputs, with a new ETag', async () => {
    const before = await fetchRaw(`${base}/plain.txt`);
    expect(listed(before.body)).to.equal('192.0.2.1');
    const started = Date.now();
    expect((await call(`${edge}/blockip/198.51.100.77`)).json).to.deep.equal({ success: 'added' });
    await waitFor(async () => (await plain()).includes('198.51.100.77'), '198.51.100.77 in /plain.txt');
    const latencyMs = Date.now() - started;
    const after = await fetchRaw(`${base}/plain.txt`);
    expect(listed(after.body)).to.equal('192.0.2.1 198.51.100.77');
    expect(after.headers.etag).to.not.equal(before.headers.etag);
    expect((await fetchRaw(`${base}/pfsense.txt`)).body.toString()).to.include('198.51.100.77');
    console.log(`      (/blockip to /plain.txt: ${latencyMs} ms)`);
  });

  it('keeps edge bans across a sync and drops them once they expire or are removed', async () => {
    await call(`${edge}/blockip/198.51.100.77?ttl=1`);
    await call(`${edge}/blockip/198.51.100.78`);
    await waitFor(async () => (await plain()).includes('198.51.100.78'), 'the bans served');
    await daemon.syncNow();
    expect(await plain()).to.include('198.51.100.78');
    await waitFor(async () => !(await plain()).includes('198.51.100.77'), 'the 1 s ban gone');
    await call(`${edge}/removeip/198.51.100.78`);
    await waitFor(async () => (await plain()) === '192.0.2.1', 'only the synced set left');
  });

  it('leaves the ingest listener off unless ingest.listen is set', async () => {
    const plainDaemon = await Runtime.start({
      loaded: { config: configSchema.parse({}), source: 'test', stateDir },
      log: silentLogger,
      createSync: async () => new ScriptedRunner(bansOf('192.0.2.1')),
      startExtension: startEdgeExtension,
      http: { listen: '127.0.0.1:0', processMetrics: false },
    });
    expect(plainDaemon.extensionAddress).to.equal(undefined);
    await plainDaemon.shutdown();
  });
});
