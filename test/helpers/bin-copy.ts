/**
 * A copy of the bin and its CLI bundle (src/cli/bin.cts), without the code cache, for tests that
 * run the bundle changed or without its cache. It lies inside the build, so it resolves the same
 * node_modules as the real one.
 */
import { copyFileSync, mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { BUNDLE } from '../../src/cli/bin.cjs';
import { BUILD_ROOT } from './paths.js';

export function copyBin(name: string, editBundle: (text: string) => string = (text) => text): string {
  const dir = mkdtempSync(join(BUILD_ROOT, `${name}-`));
  copyFileSync(join(BUILD_ROOT, 'src', 'cli', 'bin.cjs'), join(dir, 'bin.cjs'));
  writeFileSync(join(dir, 'cli.cjs'), editBundle(readFileSync(BUNDLE, 'utf8')));
  return dir;
}
