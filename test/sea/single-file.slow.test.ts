/**
 * The single executable (`npm run build:sea`, scripts/build-sea.mjs), built here from this compiled
 * tree and run as on a host without Node: PATH holds no `node` at all. Each command's output is
 * compared with the npm package's CLI on the same input, byte for byte.
 */
import { expect } from 'chai';
import { execFile, spawnSync } from 'node:child_process';
import { mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { stringify } from 'yaml';
import { WORKER_MIN_ENTRIES } from '../../src/serve/outputs/render-pool.js';
import { type CliCommand, runCli } from '../helpers/cli.js';
import { simulatorDevice } from '../helpers/cli-config.js';
import { BUILD_ROOT, REPO_ROOT } from '../helpers/paths.js';
import { startServe, waitFor } from '../helpers/serve-process.js';
import { startCiscoIos } from '../helpers/sim-cisco-ios.js';
import { fetchRaw } from '../serve/support.js';

/** More documentation addresses (2001:db8::/32) than serve renders on the event loop: the render worker builds them. */
function workerSizedList(): string {
  const count = WORKER_MIN_ENTRIES + 5_000;
  return Array.from({ length: count }, (_, i) => `2001:db8:${(i >> 16).toString(16)}:${(i & 0xffff).toString(16)}::1\n`).join('');
}

/** The summary's duration column, the one part of a dry run that differs from run to run. */
const withoutDuration = (text: string): string => text.replace(/\S+(?= +planned$)/gm, '');

describe('single executable for linux-x64 (no node on PATH)', function () {
  this.timeout(60_000);
  let dir: string;
  let sea: CliCommand;
  /** The whole environment of each run of the executable. */
  let bare: Record<string, string>;

  before(async function () {
    // The first build unpacks the pinned Node from the npm registry (scripts/node-bin.sh); later ones reuse it.
    this.timeout(600_000);
    dir = mkdtempSync(join(tmpdir(), 'apiban-sea-'));
    const executable = join(dir, 'apiban-exporter-linux-x64');
    await promisify(execFile)(process.execPath, ['scripts/build-sea.mjs', '--from', BUILD_ROOT, '--out', executable], { cwd: REPO_ROOT });
    sea = [executable];
    const emptyBin = join(dir, 'bin');
    mkdirSync(emptyBin);
    bare = { PATH: emptyBin, HOME: dir };
  });

  after(() => rmSync(dir, { recursive: true, force: true }));

  it('prints the package version, with no node to be found on its PATH', async () => {
    expect(spawnSync('node', ['--version'], { env: bare }).error).to.include({ code: 'ENOENT' });
    const result = await runCli(['--version'], { command: sea, env: bare });
    expect(result.code, result.stderr).to.equal(0);
    expect(result.stdout.trim()).to.equal(JSON.parse(readFileSync(join(REPO_ROOT, 'package.json'), 'utf8')).version);
  });

  it('exports the embedded sample list byte for byte as the npm package does (pfsense, and the XML alias via xmlbuilder2)', async () => {
    for (const args of [
      ['export', '-t', 'pfsense'],
      ['export', '-t', 'pfsense-alias-xml', '--option', 'url=https://fw.example/pfsense.txt'],
    ]) {
      // Both in the temporary folder: with no configuration, ./state is the state directory.
      const fromSea = await runCli(args, { command: sea, env: bare, cwd: dir });
      const fromPackage = await runCli(args, { cwd: dir });
      expect(fromSea.code, fromSea.stderr).to.equal(0);
      expect(fromSea.stderr).to.contain('embedded:apiban-sample.txt');
      expect(fromSea.stdout).to.have.length.above(0).and.equal(fromPackage.stdout);
    }
  });

  it('serves a set large enough for the render and sync workers: 200 with the export bytes, 304 on its ETag, exit 0 on SIGTERM, and again from its saved state in the sync thread', async () => {
    const list = join(dir, 'local.txt');
    writeFileSync(list, workerSizedList());
    const config = join(dir, 'serve.yaml');
    writeFileSync(
      config,
      stringify({
        state: { dir: join(dir, 'serve-state') },
        sources: [{ name: 'local', file: list }],
        outputs: [{ name: 'pfsense', target: 'pfsense' }],
      }),
    );
    const expected = await runCli(['-c', config, '--log-level', 'warn', 'export', '-t', 'pfsense']);
    const serve = await startServe(config, bare, '127.0.0.1:0', sea);
    try {
      const url = `http://127.0.0.1:${serve.port}/pfsense.txt`;
      await waitFor(async () => (await fetchRaw(`http://127.0.0.1:${serve.port}/healthz`)).status === 200, 'the first sync');
      const first = await fetchRaw(url);
      expect(first.status, serve.stderr()).to.equal(200);
      expect(first.body.toString('utf8')).to.equal(expected.stdout);
      const again = await fetchRaw(url, { headers: { 'if-none-match': String(first.headers.etag) } });
      expect(again.status).to.equal(304);
      serve.child.kill('SIGTERM');
      expect(await serve.exited, serve.stderr()).to.equal(0);
    } finally {
      serve.child.kill('SIGKILL');
    }
    // The saved set is large now: the restarted daemon syncs in its worker thread from the start.
    const restarted = await startServe(config, bare, '127.0.0.1:0', sea);
    try {
      await waitFor(async () => (await fetchRaw(`http://127.0.0.1:${restarted.port}/healthz`)).status === 200, 'the restart');
      expect(restarted.stderr()).to.include('syncing in a worker thread (the saved set is large)');
      expect(restarted.stderr()).not.to.include('could not start');
      expect((await fetchRaw(`http://127.0.0.1:${restarted.port}/pfsense.txt`)).body.toString('utf8')).to.equal(expected.stdout);
      restarted.child.kill('SIGTERM');
      expect(await restarted.exited, restarted.stderr()).to.equal(0);
    } finally {
      restarted.child.kill('SIGKILL');
    }
  });

  it('plans a push with --dry-run over SSH (ssh2 bundled, without its native parts) as the npm package does', async () => {
    const sim = await startCiscoIos({ auth: { username: 'ops', password: 'r-pw-5150' } });
    try {
      const config = join(dir, 'push.yaml');
      writeFileSync(
        config,
        stringify({
          sources: [{ name: 'sample', sample: true }],
          push: { devices: [simulatorDevice(sim.device, { name: 'edge1', driver: 'cisco-ios', passwordEnv: 'ROUTER_PW' })] },
        }),
      );
      const args = ['-c', config, '--log-level', 'warn', 'push', '--all', '--dry-run'];
      const fromSea = await runCli(args, {
        command: sea,
        env: { ...bare, APIBAN_STATE_DIR: join(dir, 'sea-push'), ROUTER_PW: 'r-pw-5150' },
      });
      const fromPackage = await runCli(args, { env: { APIBAN_STATE_DIR: join(dir, 'package-push'), ROUTER_PW: 'r-pw-5150' } });
      expect(fromSea.code, fromSea.stderr).to.equal(0);
      expect(fromSea.stdout)
        .to.contain('object-group network APIBAN-V4')
        .and.match(/planned/);
      expect(withoutDuration(fromSea.stdout)).to.equal(withoutDuration(fromPackage.stdout));
      expect(sim.model.groups.size).to.equal(0);
    } finally {
      await sim.device.close();
    }
  });
});
