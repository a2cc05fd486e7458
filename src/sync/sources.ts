/**
 * Local list sources (config `sources`): a site's own bans as plain files or HTTP(S) URLs, one
 * entry per line. Each good read is cached in the state directory; a source that fails keeps its
 * last good content and is reported by name, so one broken URL never empties the list.
 */
import { errorCode } from '../errors.js';
import { readFile } from 'node:fs/promises';
import type { Config } from '../config/schema.js';
import type { Logger } from '../log.js';
import { fetchCapped } from '../apiban/fetch-capped.js';
import { readSample } from './sample.js';
import { readSourceCache, type StateStore } from './store.js';

export type SourceConfig = Config['sources'][number];

export interface SourceOutcome {
  name: string;
  ok: boolean;
  /** True when the content is the cached last good copy. */
  fromCache: boolean;
  error?: string | undefined;
}

export interface LoadedSource {
  name: string;
  text: string;
  status: SourceOutcome;
}

export interface SourceReadOptions {
  stateDir: string;
  log: Logger;
  timeoutMs: number;
  /** The writer's store: refreshes the cache. Without it (export, check) URLs are not fetched. */
  store?: StateStore | undefined;
  signal?: AbortSignal | undefined;
}

/** A list of a million lines is ~16 MB; anything far beyond that is not a list. */
const MAX_SOURCE_BYTES = 64 * 1024 * 1024;

export async function loadSources(sources: readonly SourceConfig[], options: SourceReadOptions): Promise<LoadedSource[]> {
  return Promise.all(sources.map((source) => loadSource(source, options)));
}

async function loadSource(source: SourceConfig, options: SourceReadOptions): Promise<LoadedSource> {
  const cached = () => readSourceCache(options.stateDir, source.name);
  if (source.url !== undefined && options.store === undefined) {
    const text = await cached();
    if (text !== undefined) return { name: source.name, text, status: { name: source.name, ok: true, fromCache: true } };
  }
  try {
    const text = await readSourceText(source, options);
    if (options.store !== undefined && text !== (await cached())) await options.store.writeSourceCache(source.name, text);
    return { name: source.name, text, status: { name: source.name, ok: true, fromCache: false } };
  } catch (error) {
    const problem = `source ${source.name}: ${describeFailure(error)}`;
    const text = await cached();
    options.log.warn(
      { component: 'sources', source: source.name },
      `${problem}; ${text === undefined ? 'no cached copy, skipped' : 'using the last good copy'}`,
    );
    return { name: source.name, text: text ?? '', status: { name: source.name, ok: false, fromCache: text !== undefined, error: problem } };
  }
}

/** The bundled sample is read from the package each time: there is nothing to cache. */
async function readSourceText(source: SourceConfig, options: SourceReadOptions): Promise<string> {
  if (source.sample === true) return (await readSample()).text;
  return source.file !== undefined ? readFile(source.file, 'utf8') : fetchSource(source.url as string, options);
}

async function fetchSource(url: string, options: SourceReadOptions): Promise<string> {
  const target = new URL(url);
  const { Pool } = await import('undici'); // loaded on use: most setups have no URL source
  const pool = new Pool(target.origin, { connections: 1 });
  try {
    const response = await fetchCapped(pool, {
      method: 'GET',
      path: `${target.pathname}${target.search}`,
      timeoutMs: options.timeoutMs,
      maxBytes: MAX_SOURCE_BYTES,
      signal: options.signal,
      headers: { accept: 'text/plain' },
    });
    if (response.status !== 200) throw new Error(`HTTP ${response.status}`);
    return response.text;
  } finally {
    await pool.close();
  }
}

/** A URL may carry credentials (user:pass@ or a token query): messages name the source, never the URL. */
function describeFailure(error: unknown): string {
  const code = errorCode(error);
  if (code === 'ENOENT' || code === 'EACCES' || code === 'EISDIR') return `cannot read the file (${code})`;
  return (error instanceof Error ? error.message : String(error)).split('\n')[0];
}
