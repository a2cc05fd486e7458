/**
 * `export --out` when the file cannot be written: a clear error naming the file and the system's
 * reason (exit 4), and nothing left behind. Full and read-only filesystems are real: small tmpfs
 * mounts (root only; skipped with the reason elsewhere, required in CI).
 */
import { expect } from 'chai';
import { execFileSync } from 'node:child_process';
import { mkdirSync, readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { writeFilesAtomic } from '../../src/sync/atomic-file.js';
import { runCli } from '../helpers/cli.js';
import { skipWhen } from '../helpers/skip.js';
import { tempDir } from '../sync/support.js';

describe('export --out failures', function () {
  this.timeout(60_000);
  let dir: ReturnType<typeof tempDir>;
  const mounts: string[] = [];
  beforeEach(() => {
    dir = tempDir('apiban-out-');
  });
  afterEach(() => {
    for (const mount of mounts.splice(0)) execFileSync('umount', [mount]);
    dir.remove();
  });

  function tmpfs(context: Mocha.Context, name: string, options: string): string {
    skipWhen(context, process.getuid?.() === 0 ? undefined : 'mounting a tmpfs needs root');
    const path = join(dir.path, name);
    mkdirSync(path);
    execFileSync('mount', ['-t', 'tmpfs', '-o', options, 'tmpfs', path]);
    mounts.push(path);
    return path;
  }
  async function exportTo(out: string, target = 'plain') {
    return runCli(['export', '-t', target, '--out', out], { env: { APIBAN_STATE_DIR: join(dir.path, 'state') } });
  }

  it('on a full filesystem: exit 4 naming the file and ENOSPC, no temp file left', async function () {
    const full = tmpfs(this, 'full', 'size=8k');
    writeFileSync(join(full, 'filler'), Buffer.alloc(8192));
    const result = await exportTo(join(full, 'x.txt'));
    expect(result.code, result.stderr).to.equal(4);
    expect(result.stderr).to.include(`[file] cannot write ${join(full, 'x.txt')}: no space left on device (ENOSPC)`);
    expect(result.stderr).not.to.include('internal error');
    expect(readdirSync(full)).to.deep.equal(['filler']);
  });

  it('on a read-only filesystem: exit 4 naming the file and EROFS', async function () {
    const ro = tmpfs(this, 'ro', 'ro,size=8k');
    const result = await exportTo(join(ro, 'x.txt'));
    expect(result.code, result.stderr).to.equal(4);
    expect(result.stderr).to.include(`[file] cannot write ${join(ro, 'x.txt')}: read-only file system (EROFS)`);
  });

  it('when a parent of the file is a file, or the file is a directory', async () => {
    const plainFile = join(dir.path, 'not-a-dir');
    writeFileSync(plainFile, 'x');
    const under = await exportTo(join(plainFile, 'x.txt'));
    expect(under.code, under.stderr).to.equal(4);
    expect(under.stderr).to.match(/\[file\] cannot write .*not-a-dir\/x\.txt: .*\((EEXIST|ENOTDIR)/);
    const onDir = await exportTo(dir.path);
    expect(onDir.code, onDir.stderr).to.equal(4);
    expect(onDir.stderr).to.include('(EISDIR)');
    expect(readdirSync(dir.path).filter((n) => n.includes('.tmp-'))).to.deep.equal([]);
  });

  it('replaces neither a list nor its sidecar when the second one does not fit', async function () {
    const small = tmpfs(this, 'small', 'size=32k');
    writeFileSync(join(small, 'list.txt'), 'old list\n');
    writeFileSync(join(small, 'list.txt.md5'), 'old md5\n');
    let error: unknown;
    try {
      await writeFilesAtomic(
        [
          { path: join(small, 'list.txt'), data: 'new list\n' },
          { path: join(small, 'list.txt.md5'), data: 'm'.repeat(64 * 1024) },
        ],
        0o644,
      );
    } catch (caught) {
      error = caught;
    }
    expect(String(error), String(error)).to.include(`cannot write ${join(small, 'list.txt.md5')}: no space left on device (ENOSPC)`);
    expect(readdirSync(small).sort()).to.deep.equal(['list.txt', 'list.txt.md5']);
    expect(readFileSync(join(small, 'list.txt'), 'utf8')).to.equal('old list\n');
  });
});
