#!/usr/bin/env node
/**
 * The package's bin: runs the CLI bundle (cli.cjs, every module of src/cli/main.ts in one
 * CommonJS file, built by scripts/bundle-cli.mjs) from compiled code, so a command does not parse
 * and compile about a megabyte of JavaScript (commander, zod, the schemas) on every start.
 * - The build's V8 code cache (cli.cjs.cache) is used only by the Node that made it: its first
 *   line names that Node's version and architecture and V8's tag for its version and flags, and
 *   any other Node ignores it.
 *   V8's own check is not enough: a cache packed on Node 20.20.2 passed it on 20.11.1 and crashed
 *   there. vm.Script takes the cache (https://nodejs.org/api/vm.html#new-vmscriptcode-options).
 * - Without a cache of its own Node's, Node 22.1+ keeps one itself: module.enableCompileCache()
 *   caches the bundle's compiled code in its own directory, keyed to that Node
 *   (https://nodejs.org/api/module.html#moduleenablecompilecachecachedir). Node 20 has no such
 *   cache, and compiles the bundle on each start.
 */
// First of all: signal handlers, before the bundle is read, compiled or run (holdEarlySignals).
if (require.main === module) holdEarlySignals();

import { existsSync, readFileSync, writeFileSync } from 'node:fs';
import * as nodeModule from 'node:module';
import { join } from 'node:path';
import { cachedDataVersionTag } from 'node:v8';
import { Script } from 'node:vm';

export const BUNDLE = join(__dirname, 'cli.cjs');
export const CODE_CACHE = `${BUNDLE}.cache`;

/**
 * The first line of a code cache: the one Node that may read it. cachedDataVersionTag() is V8's
 * own digest of its version, flags and CPU features, made for this check
 * (https://nodejs.org/api/v8.html#v8cacheddataversiontag).
 */
export function codeCacheKey(): string {
  return `apiban-exporter code cache for node ${process.version} ${process.arch} v8 ${process.versions.v8} tag ${cachedDataVersionTag()}\n`;
}

/** The build's code cache, when this Node made it (see codeCacheKey); otherwise undefined. */
export function readCodeCache(file = CODE_CACHE, key = codeCacheKey()): Buffer | undefined {
  let bytes: Buffer;
  try {
    bytes = readFileSync(file);
  } catch {
    return undefined; // not built, or removed: compile from source
  }
  const header = Buffer.from(key);
  return bytes.subarray(0, header.length).equals(header) ? bytes.subarray(header.length) : undefined;
}

/** Writes what V8 has compiled of the bundle so far, under this Node's key. */
export function writeCodeCache(script: Script, file = CODE_CACHE): void {
  writeFileSync(file, Buffer.concat([Buffer.from(codeCacheKey()), script.createCachedData()]));
}

/** The bundle as a script, compiled from `cachedData` where V8 accepts it (`cachedDataRejected` says). */
export function compileBundle(cachedData: Buffer | undefined): Script {
  // Wrapped in the parameters node's own CommonJS loader gives a module.
  const wrapped = `(function (exports, require, module, __filename, __dirname) {${readFileSync(BUNDLE, 'utf8')}\n})`;
  return new Script(wrapped, { filename: BUNDLE, cachedData });
}

/** Compiles the bundle (from `cachedData` when V8 takes it), runs it, and returns the script. */
export function runBundle(cachedData: Buffer | undefined): Script {
  const script = compileBundle(cachedData);
  const bundleModule = { exports: {} };
  script.runInThisContext()(bundleModule.exports, nodeModule.createRequire(BUNDLE), bundleModule, BUNDLE, __dirname);
  return script;
}

// @types/node follows the oldest supported line (20), which lacks the function.
const { enableCompileCache } = nodeModule as typeof nodeModule & { enableCompileCache?: () => unknown };

/** Runs the CLI from the build's cache, else from Node's own compile cache, else from source. */
export function start(): void {
  if (!existsSync(BUNDLE)) {
    // tsc alone does not make it: `npm run build` (or the package's prepack) does.
    process.stderr.write(`apiban-exporter: cannot read the CLI bundle (${BUNDLE} is missing); run \`npm run build\`\n`);
    process.exit(70);
  }
  const cachedData = readCodeCache();
  if (cachedData === undefined && enableCompileCache !== undefined) {
    enableCompileCache();
    require(BUNDLE);
  } else {
    runBundle(cachedData);
  }
}

if (require.main === module) start();

/**
 * Signal handling from the bin's first statement (it is called above the imports: a function
 * declaration is hoisted), before the CLI bundle is read, compiled and run (0.1 to 2 s on a busy
 * host). Without it, SIGHUP's default action ends the process in that
 * window: a `systemctl reload` right after a start left serve dead (exit 129), and systemd counts
 * death by SIGHUP as a clean exit, so `Restart=on-failure` did not bring it back.
 *
 * - SIGHUP to `serve` (the command that reloads on it) is held, and handed to serve's own handler
 *   the moment it installs one (emitted again on the next turn of the event loop): a reload asked
 *   for during start-up is applied once start-up is done. To every other command a SIGHUP is what
 *   it always was: the end of the process.
 * - SIGTERM and SIGINT that arrive before the command has a handler of its own end the process
 *   as by default (the signal is raised again with no handler left: exit 143 or 130 as a shell
 *   shows it, no stack trace). Nothing needs a clean stop yet then: serve, sync and push install
 *   their handlers before they take the state lock, bind a socket or reach a device.
 * Once the command has its own handler for a signal, these stand aside.
 *
 * Node's own start-up, before the first statement of any script, is out of any script's reach:
 * a signal that arrives then still takes its default action.
 * https://nodejs.org/api/process.html#signal-events,
 * https://nodejs.org/api/events.html#event-newlistener
 */
export function holdEarlySignals(): void {
  const signals = ['SIGHUP', 'SIGTERM', 'SIGINT'] as const;
  // The daemons (serve, push --watch) reload on SIGHUP; found as words of the command line, as
  // the state lock's owner file names the command.
  const words = process.argv.slice(2);
  const reloads = words.includes('serve') || (words.includes('push') && words.includes('--watch'));
  let hangupHeld = false;
  const onSignal = (signal: NodeJS.Signals) => {
    if (process.listenerCount(signal) > 1) return; // the command's own handler has it
    if (signal === 'SIGHUP' && reloads) {
      hangupHeld = true;
      return;
    }
    for (const each of signals) process.removeListener(each, onSignal);
    process.kill(process.pid, signal);
  };
  for (const signal of signals) process.on(signal, onSignal);
  // Hands a held SIGHUP to the first handler the command installs for it.
  process.on('newListener', (event, listener) => {
    if (event !== 'SIGHUP' || !hangupHeld || listener === onSignal) return;
    hangupHeld = false;
    setImmediate(() => process.emit('SIGHUP', 'SIGHUP'));
  });
}
