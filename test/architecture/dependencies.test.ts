/**
 * Every runtime dependency is imported by the product, and every `@types/x` types a package the
 * project really has: a dependency nothing imports (as `netmask` was) costs installs and audits
 * for nothing and suggests a tool the code does not use.
 */
import { expect } from 'chai';
import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { REPO_ROOT } from '../helpers/paths.js';

const manifest = JSON.parse(readFileSync(join(REPO_ROOT, 'package.json'), 'utf8')) as {
  dependencies?: Record<string, string>;
  devDependencies?: Record<string, string>;
};

function sources(...dirs: string[]): string {
  return dirs
    .flatMap((dir) =>
      readdirSync(join(REPO_ROOT, dir), { withFileTypes: true, recursive: true })
        .filter((entry) => entry.isFile() && entry.name.endsWith('.ts'))
        .map((entry) => readFileSync(join(entry.parentPath, entry.name), 'utf8')),
    )
    .join('\n');
}

describe('architecture: dependencies', () => {
  it('imports every runtime dependency from src/ or targets/', () => {
    const code = sources('src', 'targets');
    const unused = Object.keys(manifest.dependencies ?? {}).filter(
      (name) => !new RegExp(`from '${name}(/[^']*)?'|import\\('${name}(/[^']*)?'\\)`).test(code),
    );
    expect(unused).to.deep.equal([]);
  });

  it('has @types packages only for packages it has', () => {
    const all = { ...manifest.dependencies, ...manifest.devDependencies };
    const orphans = Object.keys(all)
      .filter((name) => name.startsWith('@types/'))
      .map((name) => name.slice('@types/'.length))
      .filter((typed) => !['node', 'mocha'].includes(typed) && all[typed] === undefined);
    expect(orphans).to.deep.equal([]);
  });
});
