/**
 * Bundles the CLI entry after tsc: `node dist/src/cli/main.js` (the package's bin) becomes one
 * small entry plus one chunk per command under dist/src/cli/bundle/, so a command parses a few
 * files instead of resolving hundreds of modules (zod alone is ~90). Everything else in dist/
 * (what the tests import) stays tsc's output. Packages with native parts or worker files of
 * their own (ssh2, pino, undici) are left to node's resolver.
 */
import { build } from 'esbuild';

await build({
  // The render worker is an entry of its own, emitted next to the chunks that start it, so
  // `new URL('./render-worker.js', import.meta.url)` resolves in the bundle as in tsc's output.
  entryPoints: { main: 'dist/src/cli/main.js', 'bundle/render-worker': 'dist/src/serve/render-worker.js' },
  outdir: 'dist/src/cli',
  allowOverwrite: true,
  bundle: true,
  splitting: true,
  format: 'esm',
  platform: 'node',
  target: 'node20',
  chunkNames: 'bundle/[name]-[hash]',
  // xmlbuilder2 is required at render time only (targets/pfsense-alias-xml.ts).
  external: ['ssh2', 'cpu-features', 'pino', 'undici', 'xmlbuilder2'],
  // Bundled CommonJS packages (yaml, commander...) call require() for node built-ins.
  banner: { js: "import { createRequire as __createRequire } from 'node:module'; const require = __createRequire(import.meta.url);" },
  logLevel: 'warning',
});
