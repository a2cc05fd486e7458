/**
 * A command loads only what it uses: what `export` imports before it runs (its static import
 * closure, in the built CLI as node loads it, bundled or not) holds the two registries but no
 * target writer, no push driver, no YAML parser and no pino. Writers, drivers and the YAML parser come through
 * `import()` when a command or a configuration names them; pino is required on the first line
 * logged (src/log.ts).
 */
import { expect } from 'chai';
import { readFileSync } from 'node:fs';
import { dirname, relative, resolve } from 'node:path';
import { BUILD_ROOT, CLI } from '../helpers/paths.js';

const STATIC = /^\s*(?:import|export)\s*(?:[^'";]*?\s*from\s*)?["']([^"']+)["']/gm;
const DYNAMIC = /\bimport\(\s*["'](\.{1,2}\/[^"']+)["']\s*\)/g;
/** esbuild names every module it bundles in a comment line (`// dist/targets/plain.js`, `// node_modules/yaml/...`). */
const BUNDLED = /^\/\/ ((?:dist|node_modules)\/\S+)$/gm;

interface Closure {
  /** Files of the build, relative to its root, and modules esbuild bundled into them. */
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
    for (const [, bundled] of text.matchAll(BUNDLED)) closure.modules.add(bundled.replace(/^dist\//, ''));
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
  const found = [...staticClosure(CLI).dynamic].filter((file) => /\/export(-[A-Z0-9]+)?\.js$/.test(file));
  expect(found, 'the CLI loads the export command with import()').to.have.length(1);
  return found[0];
}

describe('architecture: what a command loads', () => {
  it('reads the build the tests run against (the checker sees a module it is shown)', () => {
    const main = staticClosure(CLI);
    expect(
      [...main.packages, ...main.modules].some((m) => /(^|\/)commander(\/|$)/.test(m)),
      'commander, bundled or not',
    ).to.equal(true);
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
