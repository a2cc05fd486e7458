/**
 * Makes V8's code cache for the CLI bundle (scripts/bundle-cli.mjs runs this after bundling): runs
 * the bin once, as `apiban-exporter export -t plain --aggregate --input <the bundled sample>`, and
 * at exit writes what V8 compiled meanwhile (the top level and every function that ran) to
 * cli.cjs.cache.
 */
const { writeFileSync } = require('node:fs');
const { join } = require('node:path');
const { BUNDLE, CODE_CACHE, runBundle } = require('../dist/src/cli/bin.cjs');

const sample = join(__dirname, '..', 'fixtures', 'sample', 'apiban-sample.txt');
process.argv = [process.argv[0], BUNDLE, '--log-level', 'warn', 'export', '-t', 'plain', '--aggregate', '--input', sample];
const script = runBundle();
process.on('exit', (code) => {
  if (code === 0) writeFileSync(CODE_CACHE, script.createCachedData());
});
