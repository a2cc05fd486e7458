/**
 * One benchmark size in a fresh process, so peak RSS belongs to this size alone:
 * read a list file, strictly parse it, build + aggregate the set, render the plain list.
 * Prints one JSON line.
 */
import { readFileSync, writeFileSync } from 'node:fs';
import { applyPolicy, DEFAULT_POLICY, parseListText } from '../src/banset/policy.js';
import { renderOutput } from '../src/writers/render.js';
import { loadTarget } from '../targets/index.js';

const [inputPath, outputPath] = process.argv.slice(2);
const started = process.hrtime.bigint();
const lap = (from: bigint) => Number(process.hrtime.bigint() - from) / 1e6;

const text = readFileSync(inputPath, 'latin1');
let t = process.hrtime.bigint();
const parsed = parseListText(text, inputPath);
const parseMs = lap(t);
t = process.hrtime.bigint();
const { bans } = applyPolicy(parsed, { ...DEFAULT_POLICY, aggregate: true });
const aggregateMs = lap(t);
t = process.hrtime.bigint();
const plain = await loadTarget('plain');
const body = renderOutput(plain, bans, { header: true, placeholder: null });
const renderMs = lap(t);
writeFileSync(outputPath, body);
const totalMs = lap(started);
process.stdout.write(
  `${JSON.stringify({ parseMs, aggregateMs, renderMs, totalMs, entriesOut: bans.size, peakRssMb: process.resourceUsage().maxRSS / 1024 })}\n`,
);
