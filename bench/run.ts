/**
 * `npm run bench`: measures, never asserts. Prints one table per section with the bars from the
 * issues next to the numbers. `npm run bench -- banset` runs one section.
 */
import { cpus } from 'node:os';
import { benchAnchors } from './anchors.js';
import { benchBanset } from './banset.js';
import { benchWriters } from './writers.js';
import { benchPush } from './push.js';
import { benchServe } from './serve.js';
import { benchServeRebuild } from './serve-rebuild.js';
import { printTable, type Report } from './report.js';

const REPO_ROOT = process.cwd();

const SECTIONS: Record<string, (report: Report) => Promise<void>> = {
  anchors: benchAnchors,
  banset: benchBanset,
  writers: (report) => benchWriters(report, REPO_ROOT),
  serve: benchServe,
  rebuild: benchServeRebuild,
  push: benchPush,
};

const wanted = process.argv.slice(2);
process.stdout.write(`# apiban-exporter benchmark\n\nnode ${process.version}, ${cpus().length} CPU(s): ${cpus()[0]?.model ?? 'unknown'}\n`);
for (const [name, run] of Object.entries(SECTIONS)) {
  if (wanted.length === 0 || wanted.includes(name)) await run(printTable);
}
