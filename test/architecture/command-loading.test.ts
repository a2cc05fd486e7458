/**
 * A command loads only what it uses: what `export` imports before it runs (its static import
 * closure in tsc's output) holds the two registries but no target writer, no push driver, no YAML
 * parser and no pino. Writers, drivers and the YAML parser come through `import()` when a command
 * or a configuration names them; pino is required on the first line logged (src/log.ts). The CLI
 * bundle (scripts/bundle-cli.mjs) keeps this: esbuild wraps each module in an initializer that
 * runs on its first import, so a module outside the closure is never run (the last test watches
 * the bundle itself).
 */
import { expect } from 'chai';
import { spawnSync } from 'node:child_process';
import { readFileSync, rmSync, writeFileSync } from 'node:fs';
import { dirname, join, relative, resolve } from 'node:path';
import { copyBin } from '../helpers/bin-copy.js';
import { BUILD_ROOT, fixture } from '../helpers/paths.js';

const STATIC = /^\s*(?:import|export)\s*(?:[^'";]*?\s*from\s*)?["']([^"']+)["']/gm;
const DYNAMIC = /\bimport\(\s*["'](\.{1,2}\/[^"']+)["']\s*\)/g;
/** The program's entry in tsc's output (what the bundle is built from). */
const PROGRAM = resolve(BUILD_ROOT, 'src', 'cli', 'main.js');

interface Closure {
  /** Files of the build, relative to its root. */
  modules: Set<string>;
  /** Packages imported by name (left to node's resolver). */
  packages: Set<string>;
  dynamic: Set<string>;
}

function staticClosure(entry: string): Closure {
  const closure: Closure = { modules: new Set(), packages: new Set(), dynamic: new Set() };
  const pending = [entry];
  const seen = new Set<string>();
  for (let file = pending.pop(); file !== undefined; file = pending.pop()) {
    if (seen.has(file)) continue;
    seen.add(file);
    const text = readFileSync(file, 'utf8');
    closure.modules.add(relative(BUILD_ROOT, file));
    for (const [, spec] of text.matchAll(DYNAMIC)) closure.dynamic.add(resolve(dirname(file), spec));
    for (const [, spec] of text.matchAll(STATIC)) {
      if (spec.startsWith('.')) pending.push(resolve(dirname(file), spec));
      else if (!spec.startsWith('node:'))
        closure.packages.add(spec.startsWith('@') ? spec.split('/').slice(0, 2).join('/') : spec.split('/')[0]);
    }
  }
  return closure;
}

function exportCommandModule(): string {
  const found = [...staticClosure(PROGRAM).dynamic].filter((file) => /\/export\.js$/.test(file));
  expect(found, 'the CLI loads the export command with import()').to.have.length(1);
  return found[0];
}

const HEAVY_PACKAGES = ['yaml', 'pino', 'ssh2', 'undici', 'xmlbuilder2'];

/** Modules export must not start: writers but `writer` (when it renders), push modules but the driver registry, heavy packages. */
function beyondExport(modules: Iterable<string>, writer?: string): Record<string, string[]> {
  const list = [...modules];
  const own = (m: string) => m.endsWith('targets/index.js') || (writer !== undefined && m.endsWith(`targets/${writer}.js`));
  return {
    writers: list.filter((m) => /(^|\/)targets\/[^/]+\.js$/.test(m) && !own(m)),
    push: list.filter((m) => /(^|\/)src\/push\/(?!drivers\/index\.js$)/.test(m)),
    packages: list.filter((m) => HEAVY_PACKAGES.some((p) => m === p || m.startsWith(`node_modules/${p}/`))),
  };
}

describe('architecture: what a command loads', () => {
  it('reads the build the tests run against (the checker sees a module it is shown)', () => {
    expect([...staticClosure(PROGRAM).packages]).to.include('commander');
    expect([...staticClosure(exportCommandModule()).modules].some((m) => m.endsWith('src/cli/export.js'))).to.equal(true);
  });

  it('export loads no target writer, push driver, YAML parser or pino before it runs', () => {
    const { modules, packages } = staticClosure(exportCommandModule());
    expect(beyondExport([...modules, ...packages])).to.deep.equal({ writers: [], push: [], packages: [] });
  });

  it('export initializes no writer but its own in the CLI bundle either', () => {
    // A copy of the bin and bundle whose lazy-initializer helpers (esbuild's __esm for ES modules,
    // __commonJS for bundled CommonJS packages) name each module as it starts, and a preload that
    // names each package required by name (the ones left out of the bundle).
    const dir = copyBin('init-probe', (bundle) =>
      bundle
        .replace(
          'var __esm = (fn, res) => function __init() {',
          '$& if (fn) process.stderr.write("INIT " + __getOwnPropNames(fn)[0] + "\\n");',
        )
        .replace(
          'var __commonJS = (cb, mod) => function __require() {',
          '$& if (cb) process.stderr.write("INIT " + __getOwnPropNames(cb)[0] + "\\n");',
        ),
    );
    try {
      writeFileSync(
        join(dir, 'probe.cjs'),
        "const M = require('node:module'); const load = M._load; M._load = function (r, ...rest) { if (/^[@a-z]/.test(r)) process.stderr.write('INIT ' + r + '\\n'); return load.call(this, r, ...rest); };",
      );
      const args = ['--log-level', 'warn', 'export', '-t', 'cisco-asa', '--input', fixture('sample', 'apiban-sample.txt')];
      const result = spawnSync(process.execPath, ['-r', join(dir, 'probe.cjs'), join(dir, 'bin.cjs'), ...args], {
        encoding: 'utf8',
        env: { PATH: process.env.PATH },
      });
      expect(result.status, result.stderr).to.equal(0);
      const started = [...result.stderr.matchAll(/^INIT (\S+)$/gm)].map(([, module]) => module);
      expect(started, 'the probe sees modules start').to.include.members(['dist/src/cli/export.js', 'dist/targets/cisco-asa.js']);
      expect(beyondExport(started, 'cisco-asa')).to.deep.equal({ writers: [], push: [], packages: [] });
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });
});
