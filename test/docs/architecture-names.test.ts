/**
 * docs/architecture.md names only what exists: every backticked path is in the repository, every
 * backticked file name is somewhere under src/ or targets/, and every backticked code identifier
 * (`BanSet`, `DRIVERS_BY_NAME`, `loadConfig()`) occurs in src/ or targets/. A rename that leaves
 * the page telling contributors to edit something gone (as `SYNC_SECTIONS` once did) fails here.
 */
import { expect } from 'chai';
import { existsSync, readdirSync, readFileSync } from 'node:fs';
import { basename, join } from 'node:path';
import { REPO_ROOT } from '../helpers/paths.js';

const CODE_DIRS = ['src', 'targets'];

function codeFiles(): string[] {
  return CODE_DIRS.flatMap((dir) =>
    readdirSync(join(REPO_ROOT, dir), { withFileTypes: true, recursive: true })
      .filter((entry) => entry.isFile() && entry.name.endsWith('.ts'))
      .map((entry) => join(entry.parentPath, entry.name)),
  );
}

/** A repository path, with NAME (or *) standing for any file of the folder: `targets/NAME.ts`. */
function pathExists(path: string): boolean {
  const parts = path.replace(/\/$/, '').split('/');
  const last = parts[parts.length - 1];
  if (!/NAME|\*/.test(path)) return existsSync(join(REPO_ROOT, path));
  const dir = parts
    .slice(
      0,
      parts.findIndex((p) => /NAME|\*/.test(p)),
    )
    .join('/');
  const suffix = last.replace(/^.*(NAME|\*)/, '');
  return existsSync(join(REPO_ROOT, dir)) && readdirSync(join(REPO_ROOT, dir), { recursive: true }).some((f) => String(f).endsWith(suffix));
}

describe('docs: architecture.md names what exists', () => {
  const spans = [...readFileSync(join(REPO_ROOT, 'docs', 'architecture.md'), 'utf8').matchAll(/`([^`\n]+)`/g)].map((m) => m[1]);
  const files = codeFiles();
  const code = files.map((file) => readFileSync(file, 'utf8')).join('\n');
  const fileNames = new Set(files.map((file) => basename(file)));

  it('finds every backticked path in the repository', () => {
    const paths = spans.filter((s) => /^[\w.-]+\/[\w./*-]*$/.test(s));
    expect(paths.length).to.be.greaterThan(10);
    expect(paths.filter((p) => !pathExists(p))).to.deep.equal([]);
  });

  it('finds every backticked source file name under src/ or targets/', () => {
    const names = spans.filter((s) => /^[\w-]+\.ts$/.test(s));
    expect(names.filter((n) => !fileNames.has(n))).to.deep.equal([]);
  });

  it('finds every backticked code identifier in src/ or targets/', () => {
    // `Name`, `NAME_X`, `camelCase`, `call()` or `call(args)`: what reads as code, not a word or a command.
    const identifiers = spans
      .map((s) => /^([A-Za-z_][A-Za-z0-9_]*)(\(.*\))?$/.exec(s))
      .filter((m): m is RegExpExecArray => m !== null && (/[A-Z_]/.test(m[1]) || m[2] !== undefined))
      .map((m) => m[1])
      .filter((name) => name !== 'NAME');
    expect(identifiers.length).to.be.greaterThan(5);
    expect(identifiers.filter((name) => !new RegExp(`\\b${name}\\b`).test(code))).to.deep.equal([]);
  });
});
