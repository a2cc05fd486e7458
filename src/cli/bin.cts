#!/usr/bin/env node
/**
 * The package's bin: runs the CLI bundle (cli.cjs, every module of src/cli/main.ts in one
 * CommonJS file, built by scripts/bundle-cli.mjs) with the V8 code cache the build made for it, so
 * a command starts from compiled bytecode instead of parsing and compiling about a megabyte of
 * JavaScript (commander, zod, the schemas) on every run. Node 20 caches no compiled code of its
 * own (module.enableCompileCache arrived in Node 22), and vm.Script is the API that takes a cache:
 * https://nodejs.org/api/vm.html#new-vmscriptcode-options and #scriptcreatecacheddata.
 * V8 refuses a cache made by another Node version or with other V8 flags (`cachedDataRejected`),
 * and the bundle then compiles as usual: slower to start, never different.
 */
import { readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { join } from 'node:path';
import { Script } from 'node:vm';

export const BUNDLE = join(__dirname, 'cli.cjs');
export const CODE_CACHE = `${BUNDLE}.cache`;

/** The bundle as a script, compiled from `cachedData` where V8 accepts it (`cachedDataRejected` says). */
export function compileBundle(cachedData: Buffer | undefined): Script {
  // Wrapped in the parameters node's own CommonJS loader gives a module.
  const wrapped = `(function (exports, require, module, __filename, __dirname) {${readBundle()}\n})`;
  return new Script(wrapped, { filename: BUNDLE, cachedData });
}

function readBundle(): string {
  try {
    return readFileSync(BUNDLE, 'utf8');
  } catch (error) {
    // tsc alone does not make it: `npm run build` (or the package's prepack) does.
    process.stderr.write(
      `apiban-exporter: cannot read the CLI bundle (${error instanceof Error ? error.message : String(error)}); run \`npm run build\`\n`,
    );
    process.exit(70);
  }
}

/** Compiles the bundle (from the code cache when there is a usable one), runs it, and returns it. */
export function runBundle(): Script {
  const script = compileBundle(readCodeCache());
  const bundleModule = { exports: {} };
  script.runInThisContext()(bundleModule.exports, createRequire(BUNDLE), bundleModule, BUNDLE, __dirname);
  return script;
}

function readCodeCache(): Buffer | undefined {
  try {
    return readFileSync(CODE_CACHE);
  } catch {
    return undefined; // not built (or removed): compile from source
  }
}

if (require.main === module) runBundle();
