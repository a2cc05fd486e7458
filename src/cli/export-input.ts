/**
 * `export --input FILE|-`: a list the user gives (any blocklist, one entry per line, the same
 * syntax as local list sources) through the configured policy, without APIBAN state and without
 * the bundled sample. Invalid lines are counted, a few shown, and dropped, as for local lists.
 */
import { readFileSync } from 'node:fs';
import type { BanSet } from '../banset/banset.js';
import { checkPublishable, type GuardOverrides } from '../banset/guard.js';
import { parseListBytes } from '../banset/list-bytes.js';
import { applyPolicy, type PolicyReport } from '../banset/policy.js';
import type { LoadedConfig } from '../config/load.js';
import { ConfigError, errorDetail } from '../errors.js';
import type { Logger } from '../log.js';
import { buildPolicy } from '../sync/publish.js';

const EXAMPLES = 5;
const EXAMPLE_CHARS = 60;

export async function readInputSet(
  input: string,
  loaded: LoadedConfig,
  log: Logger,
  guard: GuardOverrides,
): Promise<{ bans: BanSet; report: PolicyReport }> {
  const name = input === '-' ? 'stdin' : input;
  const candidates = parseListBytes(await readInput(input), name);
  const { bans, report } = applyPolicy(candidates, await buildPolicy(loaded.config.policy));
  if (report.invalid > 0) {
    const examples = report.invalidSamples
      .slice(0, EXAMPLES)
      .map((bad) => ({ entry: bad.entry.slice(0, EXAMPLE_CHARS), reason: bad.reason }));
    log.warn({ component: 'export', input: name, invalid: report.invalid, examples }, `${name}: ${report.invalid} invalid line(s) dropped`);
  }
  checkPublishable('export', undefined, bans.size, loaded.config.guards, guard);
  return { bans, report };
}

/**
 * The bytes as they are: the parser decodes only the lines it cannot read as addresses. A file
 * is read in one synchronous call: there is nothing else to do meanwhile, and the promise API
 * reads a 14 MB list in 512 KB round trips through the thread pool.
 */
async function readInput(input: string): Promise<Buffer> {
  try {
    if (input !== '-') return readFileSync(input);
    const chunks: Buffer[] = [];
    for await (const chunk of process.stdin) chunks.push(chunk as Buffer);
    return Buffer.concat(chunks);
  } catch (error) {
    throw new ConfigError('command line', [`--input: cannot read ${input} (${errorDetail(error)})`]);
  }
}
