/**
 * Bundles the CLI after tsc and makes V8's code cache for it (see src/cli/bin.cts). All three
 * files sit next to tsc's dist/src/cli/main.js, so paths relative to import.meta.url (package.json,
 * the render worker) resolve as they do there:
 * - cli.cjs: src/cli/main.ts and everything it imports, as one CommonJS file, because only a
 *   classic script takes a code cache in Node 20. esbuild wraps each module in a lazy initializer,
 *   so a command still runs only the modules it imports (`export` initializes no writer but its
 *   own, no push driver, no YAML parser).
 * - render-worker.js and sync-worker.js: serve's worker threads, where render-pool.ts and
 *   sync-thread.ts look for them.
 * - cli.cjs.cache: the code cache, made by one `export --aggregate` of the bundled sample
 *   (scripts/code-cache.cjs), so it holds the bytecode of what a command runs, not only the top level.
 * Everything else in dist/ (what the tests import) stays tsc's output. Packages with native parts
 * or worker files of their own (ssh2, pino, undici) are left to node's resolver.
 */
import { execFileSync } from 'node:child_process';
import { rmSync } from 'node:fs';
import { CODE_CACHE } from '../dist/src/cli/bin.cjs';
import { build } from 'esbuild';

const OUT = 'dist/src/cli';
const common = {
  bundle: true,
  platform: 'node',
  target: 'node20',
  // xmlbuilder2 is required at render time only (targets/pfsense-alias-xml.ts).
  external: ['ssh2', 'cpu-features', 'pino', 'undici', 'xmlbuilder2'],
  logLevel: 'warning',
};

// A cache left from an earlier bundle must never meet a new one: V8 only compares their lengths.
rmSync(CODE_CACHE, { force: true });
await build({
  ...common,
  entryPoints: { cli: 'dist/src/cli/main.js' },
  outdir: OUT,
  outExtension: { '.js': '.cjs' },
  format: 'cjs',
  // The externals too are require()d: a vm.Script compiled without a dynamic-import callback
  // cannot run import(), and ssh2 and undici are CommonJS packages.
  supported: { 'dynamic-import': false },
  // import.meta.url (sample lookup, package.json, the render worker's URL) is the bundle's own URL.
  // The banner comes before esbuild's own "use strict", so it states it first: ES modules are strict.
  define: { 'import.meta.url': '__bundleUrl' },
  banner: { js: "'use strict';\nconst __bundleUrl = require('node:url').pathToFileURL(__filename).href;" },
});
await build({
  ...common,
  entryPoints: { 'render-worker': 'dist/src/serve/outputs/render-worker.js', 'sync-worker': 'dist/src/runtime/sync-worker.js' },
  outdir: OUT,
  format: 'esm',
  // Bundled CommonJS packages (yaml, commander...) call require() for node built-ins.
  banner: { js: "import { createRequire as __createRequire } from 'node:module'; const require = __createRequire(import.meta.url);" },
});
// A bare environment: no APIBAN_EXPORTER_CONFIG or APIBAN_* of the builder's, and no NODE_OPTIONS,
// whose V8 flags would make the cache one that a plain `node` refuses.
execFileSync(process.execPath, ['scripts/code-cache.cjs'], { stdio: ['ignore', 'ignore', 'inherit'], env: { PATH: process.env.PATH } });
