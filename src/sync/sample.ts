/**
 * The bundled sample list, used when neither an APIBAN key nor a local source is configured, so
 * the tool works on a fresh machine with no key and no network. Every entry is in a documentation range (RFC 5737,
 * RFC 3849), so the sample can never block a real host.
 */
import { existsSync } from 'node:fs';
import { readFile } from 'node:fs/promises';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import type { Config } from '../config/schema.js';
import { StateError } from '../errors.js';
import type { Logger } from '../log.js';
import { EMBEDDED, embeddedText } from '../single-executable.js';
import type { SetBase } from './publish.js';

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

/**
 * The base of the set when no APIBAN key is configured. Configured local lists are then the
 * whole set: merging documentation addresses into a site's own bans would publish entries
 * nobody asked for. Only a setup with nothing at all configured gets the sample, so a fresh
 * machine still shows what the tool does, and the log says which one it is.
 */
export async function keylessBase(config: Config, log: Logger): Promise<SetBase> {
  if (config.sources.length > 0) {
    log.info(
      { component: 'sync', sources: config.sources.map((s) => s.name) },
      'no APIBAN key configured: publishing the local sources only',
    );
    return { kind: 'local' };
  }
  const sample = await readSample();
  log.info(
    { component: 'sync', file: sample.path },
    'no APIBAN key and no sources configured: using the bundled sample list (documentation addresses only)',
  );
  return { kind: 'sample', text: sample.text };
}
