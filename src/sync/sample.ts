/**
 * The bundled sample list: published when a source asks for it (`{ name: sample, sample: true }`),
 * and used by `export` and `check` when neither an APIBAN key nor a source is configured, so the
 * first command works on a fresh machine with no key and no network. Every entry is in a documentation range (RFC 5737,
 * RFC 3849), so the sample can never block a real host.
 */
import { existsSync } from 'node:fs';
import { readFile } from 'node:fs/promises';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { StateError } from '../errors.js';
import { EMBEDDED, embeddedText } from '../single-executable.js';

const RELATIVE_PATH = join('fixtures', 'sample', 'apiban-sample.txt');

/** The sample file in the package (found from this module upwards: works from src, dist or .build). */
export function samplePath(): string {
  for (let dir = dirname(fileURLToPath(import.meta.url)); ; dir = dirname(dir)) {
    const candidate = join(dir, RELATIVE_PATH);
    if (existsSync(candidate)) return candidate;
    if (dirname(dir) === dir) throw new StateError(`the bundled sample list (${RELATIVE_PATH}) is missing from this installation`);
  }
}

/** The sample's text, and where it came from: the package's file, or the copy embedded in the single executable. */
export async function readSample(): Promise<{ path: string; text: string }> {
  const embedded = embeddedText(EMBEDDED.sample);
  if (embedded !== undefined) return { path: `embedded:${EMBEDDED.sample}`, text: embedded };
  const path = samplePath();
  return { path, text: await readFile(path, 'utf8') };
}
