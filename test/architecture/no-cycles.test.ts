/**
 * No import cycle between the files of src/ and targets/: a cycle makes load order matter (an
 * import that is still undefined while its module initialises) and means two files are really
 * one concept. Type-only imports count; `await import('...')` does not (import-graph.ts).
 */
import { expect } from 'chai';
import { importGraph, type ImportGraph } from './import-graph.js';

/** Strongly connected groups of more than one file (Tarjan), each with one cycle through it. */
function findCycles(graph: ImportGraph): string[][] {
  const index = new Map<string, number>();
  const low = new Map<string, number>();
  const stack: string[] = [];
  const groups: string[][] = [];
  const visit = (node: string): void => {
    index.set(node, index.size);
    low.set(node, index.get(node) as number);
    stack.push(node);
    for (const next of graph.get(node)?.static ?? []) {
      if (!graph.has(next)) continue;
      if (!index.has(next)) {
        visit(next);
        low.set(node, Math.min(low.get(node) as number, low.get(next) as number));
      } else if (stack.includes(next)) low.set(node, Math.min(low.get(node) as number, index.get(next) as number));
    }
    if (low.get(node) !== index.get(node)) return;
    const group: string[] = [];
    for (let member = stack.pop(); ; member = stack.pop()) {
      group.push(member as string);
      if (member === node) break;
    }
    if (group.length > 1) groups.push(group.sort());
  };
  for (const node of [...graph.keys()].sort()) if (!index.has(node)) visit(node);
  return groups.map((group) => shortestCycle(graph, group));
}

/** The shortest cycle from the group's first file back to itself, staying inside the group. */
function shortestCycle(graph: ImportGraph, group: string[]): string[] {
  const start = group[0];
  const previous = new Map<string, string>();
  const queue = [start];
  while (queue.length > 0) {
    const node = queue.shift() as string;
    for (const next of graph.get(node)?.static ?? []) {
      if (!group.includes(next)) continue;
      if (next === start) {
        const path = [node];
        while (path[0] !== start) path.unshift(previous.get(path[0]) as string);
        return [...path, start];
      }
      if (!previous.has(next)) {
        previous.set(next, node);
        queue.push(next);
      }
    }
  }
  return group;
}

describe('architecture: import cycles', () => {
  it('finds a cycle it is shown (the checker itself)', () => {
    const graph: ImportGraph = new Map([
      ['a.ts', { static: new Set(['b.ts']), dynamic: new Set<string>() }],
      ['b.ts', { static: new Set(['c.ts']), dynamic: new Set<string>() }],
      ['c.ts', { static: new Set(['a.ts']), dynamic: new Set<string>() }],
      ['d.ts', { static: new Set(['a.ts']), dynamic: new Set(['d.ts']) }],
    ]);
    expect(findCycles(graph)).to.deep.equal([['a.ts', 'b.ts', 'c.ts', 'a.ts']]);
  });

  it('reads every file of src/ and targets/', () => {
    const graph = importGraph();
    expect(graph.get('targets/index.ts')?.dynamic.size).to.be.greaterThan(10);
    expect(graph.get('src/serve/outputs/render-pool.ts')?.static.size).to.be.greaterThan(5);
    for (const [file, { static: imports }] of graph) {
      for (const imported of imports) expect(graph.has(imported), `${file} imports ${imported}, which is not there`).to.equal(true);
    }
  });

  it('has no cycle between files of src/ and targets/', () => {
    const cycles = findCycles(importGraph()).map((cycle) => cycle.join(' -> '));
    expect(cycles, `import cycles:\n${cycles.join('\n')}`).to.deep.equal([]);
  });

  it('finds a cycle between folders that no file cycle shows (the folder checker itself)', () => {
    const graph: ImportGraph = new Map([
      ['src/a/x.ts', { static: new Set(['src/b/y.ts']), dynamic: new Set<string>() }],
      ['src/b/y.ts', { static: new Set<string>(), dynamic: new Set<string>() }],
      ['src/b/z.ts', { static: new Set(['src/a/w.ts']), dynamic: new Set<string>() }],
      ['src/a/w.ts', { static: new Set<string>(), dynamic: new Set(['src/b/z.ts']) }],
    ]);
    expect(findCycles(graph)).to.deep.equal([]);
    expect(findCycles(folderGraph(graph))).to.deep.equal([['src/a', 'src/b', 'src/a']]);
  });

  // A folder is a layer: src/config reads no registry (loadConfig is handed them by
  // src/cli/load-config.ts), so config, push and targets depend on one another one way only.
  it('has no cycle between the folders of src/ and targets/', () => {
    const cycles = findCycles(folderGraph(importGraph())).map((cycle) => cycle.join(' -> '));
    expect(cycles, `folder import cycles:\n${cycles.join('\n')}`).to.deep.equal([]);
  });
});

/**
 * Files folded into their folder (`src/push/drivers/x.ts` -> `src/push`, `targets/x.ts` ->
 * `targets`, `src/log.ts` stays a node of its own): an edge between two folders is any static
 * import from a file of one to a file of the other.
 */
function folderGraph(graph: ImportGraph): ImportGraph {
  const folderOf = (file: string) => {
    const parts = file.split('/');
    if (parts[0] === 'targets') return 'targets';
    return parts.length > 2 ? parts.slice(0, 2).join('/') : file;
  };
  const folders: ImportGraph = new Map();
  for (const [file, { static: imports }] of graph) {
    const from = folderOf(file);
    const node = folders.get(from) ?? { static: new Set<string>(), dynamic: new Set<string>() };
    for (const imported of imports) if (folderOf(imported) !== from) node.static.add(folderOf(imported));
    folders.set(from, node);
  }
  return folders;
}
