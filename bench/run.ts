/**
 * `npm run bench`: measures, never asserts. Prints one table per section with the bars from the
 * issues next to the numbers. `npm run bench -- banset` runs one section. BENCH_NODE=<path of a node
 * binary> runs the processes the serve, rebuild, memory and edge sections measure under that Node
 * (bench/node-under-test.ts).
 */
import { cpus } from 'node:os';
import { benchAnchors } from './anchors.js';
import { benchBanset } from './banset.js';
import { benchWriters } from './writers.js';
import { benchPush } from './push.js';
import { benchEdge } from './edge.js';
import { benchServe } from './serve.js';
import { benchServeRebuild } from './serve-rebuild.js';
import { benchMemory } from './memory.js';
import { printTable, type Report } from './report.js';

const REPO_ROOT = process.cwd();

const SECTIONS: Record<string, (report: Report) => Promise<void>> = {
  anchors: benchAnchors,
  banset: benchBanset,
  writers: (report) => benchWriters(report, REPO_ROOT),
  serve: benchServe,
  rebuild: benchServeRebuild,
  memory: benchMemory,
  push: benchPush,
  edge: benchEdge,
};

/**
 * Node 20 reads and parses the file NODE_EXTRA_CA_CERTS names before it runs any code: with a
 * system CA bundle that is about 85 ms on every node start on the development machine, a cost
 * that iprange and nginx never pay and that says nothing about the code measured. Every process the
 * bench starts gets the environment without it, and the header says so. (apiban-exporter takes an
 * extra CA as `apiban.caFile`, read only by the commands that talk to APIBAN.)
 */
const droppedCaCerts = process.env.NODE_EXTRA_CA_CERTS !== undefined;
delete process.env.NODE_EXTRA_CA_CERTS;

const wanted = process.argv.slice(2);
process.stdout.write(`# apiban-exporter benchmark\n\nnode ${process.version}, ${cpus().length} CPU(s): ${cpus()[0]?.model ?? 'unknown'}\n`);
if (process.env.BENCH_NODE !== undefined) process.stdout.write(`BENCH_NODE: the processes measured run under ${process.env.BENCH_NODE}\n`);
if (droppedCaCerts) process.stdout.write('NODE_EXTRA_CA_CERTS was set: the processes measured run without it (see bench/run.ts)\n');
for (const [name, run] of Object.entries(SECTIONS)) {
  if (wanted.length === 0 || wanted.includes(name)) await run(printTable);
}
