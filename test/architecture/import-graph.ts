/**
 * The import graph of src/ and targets/, read from the sources, which the architecture tests
 * check (no-cycles.test.ts, layers.test.ts). Static imports and re-exports count, type-only ones
 * included (they tie the designs together even when erased); `await import('...')` is lazy
 * loading and is listed apart.
 */
import { readdirSync, readFileSync } from 'node:fs';
import { dirname, join, relative, resolve } from 'node:path';
import { REPO_ROOT } from '../helpers/paths.js';

const STATIC = /^\s*(?:import|export)\s+(?:type\s+)?(?:[^'";]*?\s+from\s+)?'(\.{1,2}\/[^']+)'/gm;
const DYNAMIC = /\bimport\(\s*'(\.{1,2}\/[^']+)'\s*\)/g;

/** Each file (relative to the repository) and the local files it imports. */
export type ImportGraph = Map<string, { static: Set<string>; dynamic: Set<string> }>;

/** Files of src/ and targets/ and the local files each imports. */
export function importGraph(root = REPO_ROOT): ImportGraph {
  const files = ['src', 'targets'].flatMap((dir) =>
    readdirSync(join(root, dir), { withFileTypes: true, recursive: true })
      .filter((entry) => entry.isFile() && entry.name.endsWith('.ts') && !entry.name.endsWith('.d.ts'))
      .map((entry) => relative(root, join(entry.parentPath, entry.name))),
  );
  const graph: ImportGraph = new Map();
  for (const file of files) {
    const text = readFileSync(join(root, file), 'utf8');
    const target = (spec: string) => relative(root, resolve(root, dirname(file), spec)).replace(/\.js$/, '.ts');
    graph.set(file, {
      static: new Set([...text.matchAll(STATIC)].map((m) => target(m[1]))),
      dynamic: new Set([...text.matchAll(DYNAMIC)].map((m) => target(m[1]))),
    });
  }
  return graph;
}
