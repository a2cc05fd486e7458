/**
 * Without an APIBAN key: what serve, sync and push may publish (the configured sources, the
 * bundled sample only when a source names it), and the one-off fallback of export and check.
 */
import type { Config } from '../config/schema.js';
import { NoListSourceError } from '../errors.js';
import type { Logger } from '../log.js';
import type { SetBase } from './publish.js';
import { readSample } from './sample.js';

/** Whether the configuration has something real to publish (serve, sync and push require it). */
export function requireListSource(config: Config): void {
  if (config.apiban.key === undefined && config.sources.length === 0) throw new NoListSourceError();
}

/**
 * The base of the set when no APIBAN key is configured: the configured local lists are then the
 * whole set (`sample` when every one of them is the bundled sample, asked for by name). With no
 * source at all only the one-off `export` and `check` (`demo`) fall back to the sample, and say
 * so; serve, sync and push refuse (NoListSourceError) rather than publish it unasked.
 */
export async function keylessBase(config: Config, log: Logger, options: { demo: boolean }): Promise<SetBase> {
  if (config.sources.length > 0) {
    const onlySample = config.sources.every((s) => s.sample === true);
    log.info(
      { component: 'sync', sources: config.sources.map((s) => s.name) },
      onlySample
        ? 'no APIBAN key configured: publishing the bundled sample list (documentation addresses only), as the sources ask'
        : 'no APIBAN key configured: publishing the local sources only',
    );
    return onlySample ? { kind: 'sample', text: '' } : { kind: 'local' };
  }
  if (!options.demo) throw new NoListSourceError();
  const sample = await readSample();
  log.warn(
    { component: 'sync', file: sample.path },
    'no APIBAN key and no sources configured: using the bundled sample list (documentation addresses only); serve, sync and push refuse this',
  );
  return { kind: 'sample', text: sample.text };
}
