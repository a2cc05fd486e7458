/**
 * A command loads only what it uses: what `export` imports before it runs (its static import
 * closure in tsc's output) holds the two registries but no target writer, no push driver, no YAML
 * parser and no pino. Writers, drivers and the YAML parser come through `import()` when a command
 * or a configuration names them; pino is required on the first line logged (src/log.ts). The CLI
 * bundle (scripts/bundle-cli.mjs) keeps this: esbuild wraps each module in an initializer that
 * runs on its first import, so a module outside the closure is never run.
 */
import { expect } from 'chai';
import { readFileSync } from 'node:fs';
import { dirname, relative, resolve } from 'node:path';
import { BUILD_ROOT } from '../helpers/paths.js';

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

describe('architecture: what a command loads', () => {
  it('reads the build the tests run against (the checker sees a module it is shown)', () => {
    expect([...staticClosure(PROGRAM).packages]).to.include('commander');
    expect([...staticClosure(exportCommandModule()).modules].some((m) => m.endsWith('src/cli/export.js'))).to.equal(true);
  });

  it('export loads no target writer, push driver, YAML parser or pino before it runs', () => {
    const { modules, packages } = staticClosure(exportCommandModule());
    const loaded = [...modules];
    expect(
      loaded.filter((m) => /(^|\/)targets\/(?!index\.js$)[^/]+\.js$/.test(m)),
      'target writers',
    ).to.deep.equal([]);
    expect(
      loaded.filter((m) => /(^|\/)src\/push\/(?!drivers\/index\.js$)/.test(m)),
      'push modules other than the driver registry',
    ).to.deep.equal([]);
    expect(
      loaded.filter((m) => /^node_modules\/(yaml|pino|ssh2|undici|xmlbuilder2)\//.test(m)),
      'bundled packages',
    ).to.deep.equal([]);
    expect([...packages].filter((p) => ['yaml', 'pino', 'ssh2', 'undici', 'xmlbuilder2'].includes(p))).to.deep.equal([]);
  });
});
