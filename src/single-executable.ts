/**
 * Whether this process is the single executable (dist/apiban-exporter-linux-x64, made by
 * scripts/build-sea.mjs), and the files embedded in it. The executable has no package folder
 * beside it: what the CLI reads from the package (its version, the sample list, the render
 * worker's code) is embedded as assets and read through node:sea instead.
 * https://nodejs.org/api/single-executable-applications.html#singleexecutable-application-api
 */
import { getAsset, isSea } from 'node:sea';

/** The keys of the embedded files (scripts/build-sea.mjs says which file each one is made from). */
export const EMBEDDED = {
  packageJson: 'package.json',
  sample: 'apiban-sample.txt',
  renderWorker: 'render-worker.cjs',
  syncWorker: 'sync-worker.cjs',
} as const;

export type EmbeddedFile = (typeof EMBEDDED)[keyof typeof EMBEDDED];

/** The text of an embedded file when running as the single executable; undefined otherwise. */
export function embeddedText(key: EmbeddedFile): string | undefined {
  return isSea() ? getAsset(key, 'utf8') : undefined;
}
