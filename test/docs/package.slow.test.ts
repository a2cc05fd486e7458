/**
 * Installs as a package, exactly as README.md says: in a fresh copy of the repository (the files
 * git would clone), the "setup-main" and "install" blocks run as written. `npm ci` is the one
 * line not executed: the copy links this checkout's node_modules instead (the same packages,
 * without the network). `npm install -g` goes to a temporary prefix (npm_config_prefix) and
 * prefers the npm cache. The installed CLI then runs from an empty directory with nothing but
 * Node.js and the prefix on the PATH.
 */
import { expect } from 'chai';
import { mkdtempSync, readdirSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { REPO_ROOT } from '../helpers/paths.js';
import { namedBlock } from './markdown.js';
import { present } from '../helpers/present.js';
import { cloneRepository, npmEnv, npmShim, runWithin } from './clone.js';

/**
 * How long the README's first set-up block took (a build and one export): the yardstick for the
 * rest, so a busy machine, which slows them all alike, cannot fail a run that a fixed limit would
 * cut (npm install -g once overran 400 s under load). Until it is known a spawn has no limit of
 * its own (CI's limit ends a hang); mocha's is off for this suite.
 */
let yardstickMs: number | undefined;
/** The install block packs (a whole build again) and installs: far less than this many set-ups. */
const SETUPS_PER_SPAWN = 30;

function run(command: string, args: string[], cwd: string, env: NodeJS.ProcessEnv) {
  return runWithin(yardstickMs === undefined ? undefined : Math.ceil(SETUPS_PER_SPAWN * yardstickMs), command, args, cwd, env);
}

describe('docs: installs as a package (npm pack, npm install -g)', function () {
  this.timeout(0);
  let clone: string;
  let prefix: string;
  let env: NodeJS.ProcessEnv;
  const nodeDir = dirname(process.execPath);

  before(() => {
    const work = mkdtempSync(join(tmpdir(), 'apiban-package-'));
    clone = join(work, 'clone');
    prefix = join(work, 'prefix');
    cloneRepository(clone);
    const shim = join(work, 'shim');
    npmShim(shim);
    env = {
      HOME: process.env.HOME,
      PATH: [shim, join(prefix, 'bin'), nodeDir, '/usr/bin', '/bin'].join(':'),
      ...npmEnv(prefix),
      APIBAN_STATE_DIR: join(work, 'state'),
    };
  });

  it("runs the main job from a fresh copy as the README's first set-up command says", () => {
    const block = namedBlock('README.md', 'setup-main');
    const started = performance.now();
    const result = run('sh', ['-e', '-c', block.body], clone, env);
    yardstickMs = performance.now() - started;
    expect(result.status, result.stderr.slice(-2000)).to.equal(0);
    expect(result.stdout)
      .to.match(/^# APIBAN banned SIP sources/m)
      .and.include('\n192.0.2.10\n');
    expect(result.stderr).to.include('bundled sample list');
  });

  it("packs on prepack and installs the tarball with the README's commands", () => {
    const block = namedBlock('README.md', 'install');
    expect(block.body).to.include('npm install -g ./apiban-exporter-*.tgz');
    rmSync(join(clone, 'dist'), { recursive: true, force: true }); // as cloned: only prepack can build it
    const result = run('sh', ['-e', '-c', block.body], clone, env);
    expect(result.status, result.stderr.slice(-2000)).to.equal(0);
    const version = (JSON.parse(readFileSync(join(REPO_ROOT, 'package.json'), 'utf8')) as { version: string }).version;
    expect(result.stdout.trim().split('\n').pop()).to.equal(version);
    const tarball = present(
      readdirSync(clone).find((f) => /^apiban-exporter-.*\.tgz$/.test(f)),
      'the packed tarball',
    );
    const files = run('tar', ['-tzf', tarball], clone, env).stdout.split('\n');
    for (const needed of [
      'package/dist/src/cli/bin.cjs',
      'package/dist/src/cli/cli.cjs',
      'package/dist/src/cli/cli.cjs.cache',
      'package/fixtures/sample/apiban-sample.txt',
      'package/contrib/apiban-exporter.sample.yaml',
      'package/package.json',
    ]) {
      expect(files, needed).to.include(needed);
    }
    expect(
      files.filter((f) => f.startsWith('package/dist/test') || f.endsWith('.ts')),
      'no tests or sources',
    ).to.deep.equal([]);
  });

  it('runs the installed apiban-exporter with nothing but Node.js on the PATH', () => {
    const away = mkdtempSync(join(tmpdir(), 'apiban-installed-'));
    const bare = { HOME: away, PATH: [join(prefix, 'bin'), nodeDir, '/usr/bin', '/bin'].join(':'), APIBAN_STATE_DIR: join(away, 'state') };
    const version = run('apiban-exporter', ['--version'], away, bare);
    expect(version.status, version.stderr).to.equal(0);
    const targets = run('apiban-exporter', ['targets'], away, bare);
    expect(targets.status, targets.stderr).to.equal(0);
    expect(targets.stdout).to.match(/^pfsense\s/m);
    const exported = run('apiban-exporter', ['export', '-t', 'pfsense'], away, bare);
    expect(exported.status, exported.stderr).to.equal(0);
    expect(exported.stdout).to.include('\n192.0.2.10\n');
    const manifest = JSON.parse(readFileSync(join(prefix, 'lib', 'node_modules', 'apiban-exporter', 'package.json'), 'utf8')) as {
      engines?: { node?: string };
    };
    const ours = JSON.parse(readFileSync(join(REPO_ROOT, 'package.json'), 'utf8')) as { engines: { node: string } };
    expect(manifest.engines?.node, 'the installed package declares the supported lines').to.equal(ours.engines.node);
  });
});
