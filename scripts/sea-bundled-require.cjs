/**
 * Stands in for node:module in the single executable's bundles (scripts/build-sea.mjs). Two
 * modules load a package on first use through `createRequire(import.meta.url)` (log.ts: pino,
 * targets/pfsense-alias-xml.ts: xmlbuilder2), which a bundler cannot follow, and in the executable
 * there is no node_modules for it to search. Here those packages are required by name, so esbuild
 * bundles them, and each is still initialized only when first asked for. Anything else is a
 * built-in module, which the embedded script's own require() loads.
 */
const nodeModule = require('node:module');

const BUNDLED = {
  pino: () => require('pino'),
  xmlbuilder2: () => require('xmlbuilder2'),
};

module.exports = {
  ...nodeModule,
  createRequire: () => (id) => (Object.hasOwn(BUNDLED, id) ? BUNDLED[id]() : require(id)),
};
