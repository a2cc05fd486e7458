/**
 * Makes V8's code cache for the CLI bundle (scripts/bundle-cli.mjs runs this after bundling): runs
 * the bundle once, as `apiban-exporter export -t plain --aggregate --input <the bundled sample>`,
 * and at exit writes what V8 compiled meanwhile (the top level and every function that ran) to
 * cli.cjs.cache (or the file named by the first argument), under the key of the Node that runs
 * this (src/cli/bin.cts).
 */
const { join } = require('node:path');
const { BUNDLE, CODE_CACHE, runBundle, writeCodeCache } = require('../dist/src/cli/bin.cjs');

const out = process.argv[2] ?? CODE_CACHE;

const sample = join(__dirname, '..', 'fixtures', 'sample', 'apiban-sample.txt');
process.argv = [process.argv[0], BUNDLE, '--log-level', 'warn', 'export', '-t', 'plain', '--aggregate', '--input', sample];
const script = runBundle(undefined);
process.on('exit', (code) => {
  if (code === 0) writeCodeCache(script, out);
});
