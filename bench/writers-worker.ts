/**
 * Renders one writer at one size in a fresh process: time, output size, and the memory the
 * render needed beyond the set itself (peak RSS minus the RSS once the set was built).
 */
import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { parseListText } from '../src/banset/candidates.js';
import { applyPolicy, DEFAULT_POLICY } from '../src/banset/policy.js';
import { TARGETS } from '../targets/index.js';
import { generateAddresses } from './generate.js';

const [name, countText, repoRoot] = process.argv.slice(2);
const writer = TARGETS.get(name)!;
const optionsPath = join(repoRoot, 'fixtures', 'golden', name, 'options.json');
const options = writer.options.parse(existsSync(optionsPath) ? JSON.parse(readFileSync(optionsPath, 'utf8')) : {});
const text = [...generateAddresses(Number(countText))].join('\n');
const { bans } = applyPolicy(parseListText(text, 'bench'), DEFAULT_POLICY);
const aggregateStarted = process.hrtime.bigint();
bans.aggregate();
const aggregateMs = Number(process.hrtime.bigint() - aggregateStarted) / 1e6;
global.gc?.();
const baseRss = process.memoryUsage().rss;
const started = process.hrtime.bigint();
const body = writer.render(bans.only(writer.families), options);
const renderMs = Number(process.hrtime.bigint() - started) / 1e6;
const peakRss = process.resourceUsage().maxRSS * 1024;
process.stdout.write(`${JSON.stringify({ entries: bans.size, renderMs, aggregateMs, outputMb: body.length / 1e6, extraMb: Math.max(0, peakRss - baseRss) / 1e6 })}\n`);
