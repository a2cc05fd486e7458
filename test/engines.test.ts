/**
 * Supported = proven: package.json's engines and the README name exactly the Node.js lines CI
 * installs from .ci/node-versions and runs the tests on, no more and no fewer.
 */
import { expect } from 'chai';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { REPO_ROOT } from './helpers/paths.js';

const pinned = readFileSync(join(REPO_ROOT, '.ci', 'node-versions'), 'utf8')
  .split('\n')
  .filter((line) => line.trim() !== '' && !line.startsWith('#'))
  .map((line) => line.trim().split(/\s+/)[0]);
const majors = pinned.map((version) => Number(version.split('.')[0]));
const engines = (JSON.parse(readFileSync(join(REPO_ROOT, 'package.json'), 'utf8')) as { engines: { node: string } }).engines.node;
/** The lowest version of each line engines admits: `^20.19.0` -> 20.19.0. */
const floors = engines.split('||').map((range) => /^\s*\^(\d+)\.(\d+)\.(\d+)\s*$/.exec(range)?.slice(1).map(Number));

describe('engines: the supported Node.js lines are the ones CI runs', () => {
  it('pins one version of each line, one of them the lts', () => {
    expect(new Set(majors).size).to.equal(majors.length);
    expect(readFileSync(join(REPO_ROOT, '.ci', 'node-versions'), 'utf8')).to.match(/^\d+\.\d+\.\d+ lts$/m);
  });

  it('admits each pinned line and no other, from a floor at or under the pinned version', () => {
    expect(
      floors.every((floor) => floor !== undefined),
      engines,
    ).to.equal(true);
    expect(floors.map((floor) => floor?.[0])).to.deep.equal(majors);
    for (const [i, version] of pinned.entries()) {
      const [major, minor, patch] = version.split('.').map(Number);
      const [, floorMinor, floorPatch] = floors[i] as number[];
      expect(minor * 1e6 + patch >= floorMinor * 1e6 + floorPatch, `${version} is within ${engines}`).to.equal(true);
      expect(major).to.equal(majors[i]);
    }
  });

  it('keeps 20 at 20.19 or later, the floor of undici 7 and of the test tools, Debian 13 ships', () => {
    expect(floors[0]?.slice(0, 2)).to.deep.equal([20, 19]);
  });

  it('names the same lines in the README', () => {
    const readme = readFileSync(join(REPO_ROOT, 'README.md'), 'utf8');
    const [first, ...rest] = floors as number[][];
    const named = `Node.js ${first[0]}.${first[1]}+, ${rest
      .slice(0, -1)
      .map((f) => f[0])
      .join(', ')} or ${rest[rest.length - 1][0]}`;
    expect(readme).to.include(named);
  });
});
