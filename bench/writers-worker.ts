/**
 * Renders one writer at one size in a fresh process and prints one JSON line. Run once with
 * `render` and once with `baseline` (everything but the render): the difference of the two peak
 * RSS values is what the render itself held, to compare with the size of its output.
 */
import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { parseListText } from '../src/banset/list-bytes.js';
import { applyPolicy, DEFAULT_POLICY } from '../src/banset/policy.js';
import { findTarget } from '../targets/index.js';
import { generateAddresses } from './generate.js';

const [name, countText, repoRoot, mode] = process.argv.slice(2);
const writer = await findTarget(name ?? '');
if (writer === undefined) throw new Error(`unknown target ${name}`);
const optionsPath = join(repoRoot, 'fixtures', 'golden', name, 'options.json');
const options = writer.options.parse(existsSync(optionsPath) ? JSON.parse(readFileSync(optionsPath, 'utf8')) : {});
const candidates = parseListText([...generateAddresses(Number(countText))].join('\n'), 'bench');
// The yardstick: building and aggregating the set from the same addresses (what iprange does).
const aggregateStarted = process.hrtime.bigint();
applyPolicy(candidates, { ...DEFAULT_POLICY, aggregate: true });
const aggregateMs = Number(process.hrtime.bigint() - aggregateStarted) / 1e6;
const bans = applyPolicy(candidates, DEFAULT_POLICY).bans.only(writer.families);
let renderMs = 0;
let outputMb = 0;
if (mode === 'render') {
  const started = process.hrtime.bigint();
  outputMb = writer.render(bans, options).length / 1e6;
  renderMs = Number(process.hrtime.bigint() - started) / 1e6;
}
const overLimit = writer.maxEntries !== undefined && bans.size > writer.maxEntries;
process.stdout.write(
  `${JSON.stringify({ overLimit, entries: bans.size, renderMs, aggregateMs, outputMb, peakMb: process.resourceUsage().maxRSS / 1024 })}\n`,
);
