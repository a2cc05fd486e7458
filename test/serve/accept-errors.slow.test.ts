/**
 * serve out of file descriptors (real CLI under `ulimit -n 64`): connections held open until
 * accept() fails with EMFILE make it log why, one line a second at most, instead of only timing
 * out its clients; once they close it says it accepts again and answers /healthz.
 */
import { expect } from 'chai';
import { writeFileSync } from 'node:fs';
import { connect, type Socket } from 'node:net';
import { join } from 'node:path';
import { CLI } from '../helpers/paths.js';
import { startServe, waitFor, type ServeProcess } from '../helpers/serve-process.js';
import { tempDir } from '../sync/support.js';
import { fetchRaw } from './support.js';

interface LogLine {
  time: number | string;
  msg: string;
  code?: string;
}

describe('serve: accept errors are logged (real CLI, low descriptor limit)', function () {
  this.timeout(60_000);
  let dir: ReturnType<typeof tempDir>;
  let serve: ServeProcess | undefined;
  const sockets: Socket[] = [];

  beforeEach(() => {
    dir = tempDir('apiban-emfile-');
  });
  afterEach(async () => {
    for (const socket of sockets.splice(0)) socket.destroy();
    if (serve !== undefined && serve.child.exitCode === null) {
      serve.child.kill('SIGKILL');
      await serve.exited;
    }
    dir.remove();
  });

  const lines = () =>
    present()
      .stderr()
      .split('\n')
      .filter((l) => l.startsWith('{'))
      .map((l) => JSON.parse(l) as LogLine);
  const present = () => {
    if (serve === undefined) throw new Error('serve is not running');
    return serve;
  };

  it('says EMFILE once a second while accept() fails, then recovers', async () => {
    writeFileSync(join(dir.path, 'list.txt'), '192.0.2.10\n');
    const config = join(dir.path, 'config.yaml');
    writeFileSync(
      config,
      [
        `state: { dir: ${join(dir.path, 'state')} }`,
        `sources: [{ name: local, file: ${join(dir.path, 'list.txt')} }]`,
        'sync: { interval: 1h }',
        // Held sockets stay open for the whole test: no header deadline cuts them.
        'serve: { timeouts: { headers: 60s, request: 60s } }',
      ].join('\n'),
    );
    serve = await startServe(config, {}, '127.0.0.1:0', ['/bin/sh', '-c', 'ulimit -n 64 && exec "$0" "$@"', process.execPath, CLI]);
    const { port } = serve;
    await waitFor(async () => (await fetchRaw(`http://127.0.0.1:${port}/healthz`)).status === 200, 'the first sync');

    for (let i = 0; i < 100; i++) {
      const socket = connect(port, '127.0.0.1');
      socket.on('error', () => undefined);
      sockets.push(socket);
    }
    const emfile = () => lines().filter((l) => l.code === 'EMFILE');
    await waitFor(async () => emfile().length >= 3, `three EMFILE lines:\n${present().stderr()}`, 20_000);
    const times = emfile().map((l) => new Date(l.time).getTime());
    for (let i = 1; i < times.length; i++) expect(times[i] - times[i - 1], 'at most one line a second').to.be.at.least(999);
    expect(emfile()[0].msg).to.match(/^cannot accept connections: EMFILE \(this process has no file descriptor left/);

    for (const socket of sockets.splice(0)) socket.destroy();
    await waitFor(async () => lines().some((l) => l.msg.startsWith('file descriptors available again')), 'the recovery line');
    expect((await fetchRaw(`http://127.0.0.1:${port}/healthz`)).status).to.equal(200);
    expect(present().child.exitCode).to.equal(null);
  });
});
