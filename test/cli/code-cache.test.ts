/**
 * The bin starts the CLI bundle from the V8 code cache the build made (src/cli/bin.cts): the cache
 * must be one this node accepts, and a missing or unusable cache may cost start-up time only.
 */
import { expect } from 'chai';
import { spawnSync } from 'node:child_process';
import { copyFileSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { BUNDLE, CODE_CACHE, compileBundle } from '../../src/cli/bin.cjs';
import { runCli } from '../helpers/cli.js';
import { copyBin } from '../helpers/bin-copy.js';
import { fixture } from '../helpers/paths.js';

describe('cli/bin: the code cache', () => {
  it('was made by the build for this bundle, and this node accepts it', () => {
    expect(compileBundle(readFileSync(CODE_CACHE)).cachedDataRejected).to.equal(false);
    expect(compileBundle(Buffer.from('not a code cache')).cachedDataRejected, 'the check can fail').to.equal(true);
  });

  describe('a copy of the bin and bundle', () => {
    let dir: string;
    before(() => {
      dir = copyBin('code-cache-test');
    });
    after(() => rmSync(dir, { recursive: true, force: true }));

    const args = ['export', '-t', 'cisco-asa', '--aggregate', '--input', fixture('sample', 'apiban-sample.txt')];
    const copyRun = () =>
      spawnSync(process.execPath, [join(dir, 'bin.cjs'), ...args], { encoding: 'utf8', env: { PATH: process.env.PATH } });

    it('says to build when the bundle is missing (exit 70), rather than a stack trace', () => {
      rmSync(join(dir, 'cli.cjs'));
      try {
        const result = copyRun();
        expect(result.status).to.equal(70);
        expect(result.stderr).to.match(/^apiban-exporter: cannot read the CLI bundle \(ENOENT.*cli\.cjs.*\); run `npm run build`\n$/);
      } finally {
        copyFileSync(BUNDLE, join(dir, 'cli.cjs'));
      }
    });

    for (const [name, prepare] of [
      ['without a cache', () => rmSync(join(dir, 'cli.cjs.cache'), { force: true })],
      ['with a cache V8 refuses', () => writeFileSync(join(dir, 'cli.cjs.cache'), 'made by some other node')],
    ] as const) {
      it(`prints the same list ${name}`, async () => {
        prepare();
        const expected = await runCli(args);
        expect(expected.code, expected.stderr).to.equal(0);
        const result = copyRun();
        expect(result.status, result.stderr).to.equal(0);
        expect(result.stdout).to.equal(expected.stdout);
      });
    }
  });
});
