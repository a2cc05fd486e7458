/**
 * A 200 means the ban is on disk: the real CLI's serve as a child, kill -9 right after the answer,
 * then a restart on the same state directory serves the ban again.
 */
import { expect } from 'chai';
import { mkdtemp, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { ingestPort, type ServeProcess, startServe, waitFor } from '../helpers/serve-process.js';
import { fetchRaw } from '../serve/support.js';
import { call, removeDir } from './support.js';

describe('edge bans survive kill -9 (slow)', () => {
  let dir: string;
  let serve: ServeProcess | undefined;
  afterEach(async () => {
    serve?.child.kill('SIGKILL');
    await serve?.exited;
    await removeDir(dir);
  });

  it('serves every ban answered 200 after a kill -9 and a restart', async () => {
    dir = await mkdtemp(join(tmpdir(), 'edge-kill-'));
    const configFile = join(dir, 'config.yaml');
    await writeFile(
      configFile,
      JSON.stringify({
        sources: [{ name: 'sample', sample: true }],
        ingest: { listen: '127.0.0.1:0', clients: [{ name: 'sbc1', allow: ['127.0.0.1/32'] }] },
      }),
    );
    const env = { APIBAN_STATE_DIR: join(dir, 'state') };
    serve = await startServe(configFile, env);
    const edge = `http://127.0.0.1:${ingestPort(serve)}`;
    // Outside the bundled sample's entries, so only the journal can put them in the set.
    const bans = ['192.0.2.213', '192.0.2.214', '2001:db8:77::1'];
    for (const ban of bans) expect((await call(`${edge}/blockip/${ban}`)).status).to.equal(200);
    serve.child.kill('SIGKILL');
    await serve.exited;
    serve = await startServe(configFile, env);
    const plain = `http://127.0.0.1:${serve.port}/plain.txt`;
    await waitFor(async () => {
      const response = await fetchRaw(plain);
      return response.status === 200 && bans.every((ban) => response.body.toString().includes(ban));
    }, 'the bans served after the restart');
  });
});
