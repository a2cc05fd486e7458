/**
 * The repository stands alone: comments cite vendors' own documentation or docs/ here, never
 * notes that live outside it (a `shared/` folder next to the checkout, "the code corpus").
 */
import { expect } from 'chai';
import { existsSync, readdirSync, readFileSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { REPO_ROOT } from '../helpers/paths.js';

const ROOTS = ['src', 'targets', 'test', 'bench', 'docs', 'contrib', 'README.md'];
const OUTSIDE = /(?:\.\.\/)?shared\/(?:TARGETS|APIBAN|DESIGN)\.md|code corpus/;

function files(path: string): string[] {
  if (!existsSync(path)) return [];
  if (statSync(path).isFile()) return [path];
  return readdirSync(path, { withFileTypes: true, recursive: true })
    .filter((entry) => entry.isFile() && /\.(ts|md|ya?ml|sh|conf|service)$/.test(entry.name))
    .map((entry) => join(entry.parentPath, entry.name));
}

describe('architecture: the project stands alone', () => {
  it('cites no document that lives outside the repository', () => {
    const offenders = ROOTS.flatMap((root) => files(join(REPO_ROOT, root)))
      .filter((file) => !file.endsWith('stands-alone.test.ts'))
      .flatMap((file) =>
        readFileSync(file, 'utf8')
          .split('\n')
          .map((line, i) => (OUTSIDE.test(line) ? `${file.slice(REPO_ROOT.length + 1)}:${i + 1}` : ''))
          .filter((hit) => hit !== ''),
      );
    expect(offenders).to.deep.equal([]);
  });
});
