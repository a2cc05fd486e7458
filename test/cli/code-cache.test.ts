/**
 * The bin starts the CLI bundle from the V8 code cache the build made (src/cli/bin.cts): the cache
 * is used only by the Node that made it, and a missing, foreign or unusable cache may cost start-up
 * time only, never a different answer.
 */
import { expect } from 'chai';
import { spawnSync } from 'node:child_process';
import { copyFileSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { BUNDLE, CODE_CACHE, readCodeCache } from '../../src/cli/bin.cjs';
import { runCli } from '../helpers/cli.js';
import { copyBin } from '../helpers/bin-copy.js';
import { fixture, REPO_ROOT } from '../helpers/paths.js';

/**
 * Whether V8 takes `cache` for the bundle, asked of a fresh node: from V8 12.4 (Node 22) on, a
 * second compile of the same source in one process comes from the isolate's own compilation
 * cache and never reads the data it is given.
 */
function acceptedByFreshNode(cache: string, execArgv: string[] = []): { accepted: boolean; key: string } {
  const probe = `const b = require(${JSON.stringify(join(BUNDLE, '..', 'bin.cjs'))});
    const data = b.readCodeCache(${JSON.stringify(cache)});
    const accepted = data !== undefined && !b.compileBundle(data).cachedDataRejected;
    process.stdout.write(JSON.stringify({ accepted, key: b.codeCacheKey() }));`;
  const result = spawnSync(process.execPath, [...execArgv, '-e', probe], { encoding: 'utf8', env: { PATH: process.env.PATH } });
  expect(result.status, result.stderr).to.equal(0);
  return JSON.parse(result.stdout);
}

describe('cli/bin: the code cache', () => {
  let dir: string;
  /** A cache made as the build makes one, by this test's node (the build's may be another's). */
  let ownCache: string;
  /** The key of a plain `node`, as the build's and a user's are (mocha may run with other V8 flags). */
  let plainKey: string;
  before(() => {
    dir = copyBin('code-cache-test');
    ownCache = join(dir, 'own.cache');
    const script = join(REPO_ROOT, 'scripts', 'code-cache.cjs');
    const made = spawnSync(process.execPath, [script, ownCache], { encoding: 'utf8', env: { PATH: process.env.PATH } });
    expect(made.status, made.stderr).to.equal(0);
    plainKey = acceptedByFreshNode(ownCache).key;
  });
  after(() => rmSync(dir, { recursive: true, force: true }));

  it('is made under the key of the node that made it, and that node takes it', () => {
    expect(plainKey).to.include(` node ${process.version} ${process.arch} `);
    expect(readFileSync(ownCache).subarray(0, plainKey.length).toString('latin1')).to.equal(plainKey);
    expect(acceptedByFreshNode(ownCache).accepted).to.equal(true);
  });

  it("is the build's only where this node built it", () => {
    const builtHere = readFileSync(CODE_CACHE).subarray(0, plainKey.length).toString('latin1') === plainKey;
    expect(readCodeCache(CODE_CACHE, plainKey) !== undefined).to.equal(builtHere);
  });

  it('is refused by V8 when it is garbage under the right key (the check can fail)', () => {
    const garbage = join(dir, 'garbage.cache');
    writeFileSync(garbage, `${plainKey}not a code cache`);
    expect(acceptedByFreshNode(garbage).accepted).to.equal(false);
  });

  it('is ignored by any other node: version, architecture or flags', () => {
    const data = readCodeCache(ownCache, plainKey);
    expect(data, 'a plain node reads its own cache').to.not.equal(undefined);
    const made = (key: string) => Buffer.concat([Buffer.from(key), data as Buffer]);
    const own = plainKey;
    for (const other of [
      own.replace(process.version, 'v20.11.1'),
      own.replace(process.arch, process.arch === 'x64' ? 'arm64' : 'x64'),
      own.replace(/tag \d+/, 'tag 1'),
    ]) {
      const file = join(dir, 'foreign.cache');
      writeFileSync(file, made(other));
      expect(readCodeCache(file, plainKey), other).to.equal(undefined);
      expect(readCodeCache(file, other), 'the same bytes under their own key').to.not.equal(undefined);
    }
    // A node started with other V8 flags has another key, so it ignores the build's cache.
    expect(acceptedByFreshNode(ownCache, ['--no-opt'])).to.deep.include({ accepted: false });
  });

  describe('a copy of the bin and bundle', () => {
    const args = ['export', '-t', 'cisco-asa', '--aggregate', '--input', fixture('sample', 'apiban-sample.txt')];
    const copyRun = () =>
      spawnSync(process.execPath, [join(dir, 'bin.cjs'), ...args], {
        encoding: 'utf8',
        // Node 22+ would otherwise keep its compile cache in the machine's temporary folder.
        env: { PATH: process.env.PATH, NODE_COMPILE_CACHE: join(dir, 'node-compile-cache') },
      });

    it('says to build when the bundle is missing (exit 70), rather than a stack trace', () => {
      rmSync(join(dir, 'cli.cjs'));
      try {
        const result = copyRun();
        expect(result.status).to.equal(70);
        expect(result.stderr).to.match(/^apiban-exporter: cannot read the CLI bundle \(.*cli\.cjs is missing\); run `npm run build`\n$/);
      } finally {
        copyFileSync(BUNDLE, join(dir, 'cli.cjs'));
      }
    });

    for (const [name, prepare] of [
      ['without a cache', () => rmSync(join(dir, 'cli.cjs.cache'), { force: true })],
      [
        'with a cache made by another node',
        () =>
          writeFileSync(join(dir, 'cli.cjs.cache'), readFileSync(ownCache).toString('latin1').replace(process.version, 'v0.0.1'), 'latin1'),
      ],
      ['with a cache V8 refuses', () => writeFileSync(join(dir, 'cli.cjs.cache'), `${plainKey}made by some other node`)],
    ] as const) {
      it(`prints the same list ${name}`, async () => {
        prepare();
        const expected = await runCli(args);
        expect(expected.code, expected.stderr).to.equal(0);
        for (const run of [1, 2]) {
          const result = copyRun();
          expect(result.status, `run ${run}: ${result.stderr}`).to.equal(0);
          expect(result.stdout, `run ${run}`).to.equal(expected.stdout);
        }
      });
    }
  });
});
