/**
 * Crash-safe file replacement, the one way this program replaces a file: write a temp file in
 * the same directory, fsync it, rename it over the target, fsync the directory. A kill -9 at any
 * point leaves either the old or the new file, never a mix; leftovers are only temp files, which
 * `removeTempFiles` clears on start. A failure (full or read-only filesystem, no permission, a
 * parent that is a file) removes the temp file and is a FileWriteError naming the file.
 */
import { type FileHandle, mkdir, open, readdir, rename, rm } from 'node:fs/promises';
import { basename, dirname, join } from 'node:path';
import { errorCode, FileWriteError } from '../errors.js';

let sequence = 0;
const TEMP_MARK = '.tmp-';

export interface FileContent {
  path: string;
  data: string | Uint8Array;
}

/** `mode` defaults to owner-only (state); exported lists pass 0o644 so a web server can read them. */
export async function writeFileAtomic(path: string, data: string | Uint8Array, mode = 0o600): Promise<void> {
  await writeFilesAtomic([{ path, data }], mode);
}

/**
 * Several files that belong together (a list and its `.md5`): every temp file is written and
 * synced before the first rename, so a full disk or a write error replaces none of them.
 */
export async function writeFilesAtomic(files: readonly FileContent[], mode = 0o600): Promise<void> {
  const staged: { temp: string; path: string }[] = [];
  try {
    for (const { path, data } of files) {
      const temp = tempName(path);
      staged.push({ temp, path });
      await writeTemp(temp, path, data, mode);
    }
  } catch (error) {
    await removeAll(staged.map((s) => s.temp));
    throw error;
  }
  for (const [i, { temp, path }] of staged.entries()) {
    try {
      await rename(temp, path);
    } catch (error) {
      await removeAll(staged.slice(i).map((s) => s.temp));
      throw new FileWriteError(path, error);
    }
  }
  for (const dir of new Set(files.map((f) => dirname(f.path)))) await syncDirectory(dir);
}

function tempName(path: string): string {
  return join(dirname(path), `${basename(path)}${TEMP_MARK}${process.pid}-${++sequence}`);
}

async function writeTemp(temp: string, path: string, data: string | Uint8Array, mode: number): Promise<void> {
  try {
    await mkdir(dirname(path), { recursive: true });
    const file = await open(temp, 'w', mode);
    try {
      await file.writeFile(data, 'utf8');
      await file.sync();
    } finally {
      await file.close();
    }
  } catch (error) {
    throw new FileWriteError(path, error);
  }
}

async function removeAll(temps: readonly string[]): Promise<void> {
  await Promise.all(temps.map((temp) => rm(temp, { force: true }).catch(() => undefined)));
}

async function syncDirectory(dir: string): Promise<void> {
  let handle: FileHandle | undefined;
  try {
    handle = await open(dir, 'r');
    await handle.sync();
  } catch (error) {
    // Some filesystems refuse fsync on a directory; the rename itself is still atomic there.
    const code = errorCode(error);
    if (code !== 'EINVAL' && code !== 'EISDIR') throw new FileWriteError(dir, error);
  } finally {
    await handle?.close();
  }
}

/** Deletes temp files a killed writer left behind in `dir`. */
export async function removeTempFiles(dir: string): Promise<void> {
  let names: string[];
  try {
    names = await readdir(dir);
  } catch {
    return;
  }
  await Promise.all(names.filter((n) => n.includes(TEMP_MARK)).map((n) => rm(join(dir, n), { force: true })));
}
