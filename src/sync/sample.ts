/**
 * The bundled sample list, used when no APIBAN key is configured so the tool works on a fresh
 * machine with no key and no network. Every entry is in a documentation range (RFC 5737,
 * RFC 3849), so the sample can never block a real host.
 */
import { existsSync } from 'node:fs';
import { readFile } from 'node:fs/promises';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { StateError } from '../errors.js';

const RELATIVE_PATH = join('fixtures', 'sample', 'apiban-sample.txt');

/** The sample file in the package (found from this module upwards: works from src, dist or .build). */
export function samplePath(): string {
  for (let dir = dirname(fileURLToPath(import.meta.url)); ; dir = dirname(dir)) {
    const candidate = join(dir, RELATIVE_PATH);
    if (existsSync(candidate)) return candidate;
    if (dirname(dir) === dir) throw new StateError(`the bundled sample list (${RELATIVE_PATH}) is missing from this installation`);
  }
}

export async function readSample(): Promise<{ path: string; text: string }> {
  const path = samplePath();
  return { path, text: await readFile(path, 'utf8') };
}
