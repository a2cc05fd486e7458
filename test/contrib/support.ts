/** What the edge recipes' tests share: serve's configuration for one ingest client, and what serve logs and serves. */
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { stringify } from 'yaml';
import type { ServeProcess } from '../helpers/serve-process.js';

/** The `ingest` client every recipe test calls as. */
export const CLIENT = 'sbc1';

/**
 * serve's configuration in `dir`: the bundled sample as its only source (no network), the ingest
 * listener on a free port of 127.0.0.1 for one client from `allow`, plus `sections`.
 */
export function writeServeConfig(dir: string, allow: string, sections: Record<string, unknown> = {}): string {
  const file = join(dir, 'config.yaml');
  const ingest = { listen: '127.0.0.1:0', clients: [{ name: CLIENT, allow: [allow] }] };
  writeFileSync(file, stringify({ sources: [{ name: 'sample', sample: true }], state: { dir: join(dir, 'state') }, ingest, ...sections }));
  return file;
}

/** The ingest events serve logged (`edge ban accepted`, `edge ban removed`, `edge bans flushed`), in order, as "message address". */
export function ingestEvents(serve: ServeProcess): string[] {
  return serve
    .stderr()
    .split('\n')
    .filter((line) => line.includes('"component":"ingest"'))
    .map((line) => JSON.parse(line) as { msg: string; ban?: string; client?: string })
    .filter((entry) => entry.client === CLIENT)
    .map((entry) => (entry.ban === undefined ? entry.msg : `${entry.msg} ${entry.ban}`));
}

/** The addresses a /plain.txt body lists (its comment header left out). */
export function plainAddresses(body: string): string[] {
  return body.split('\n').filter((line) => line !== '' && !line.startsWith('#'));
}
