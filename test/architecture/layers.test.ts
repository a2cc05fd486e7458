/**
 * Layers a folder must never reach, through any chain of imports (type-only and `import()`
 * included: a lazy import still ties the designs together):
 * - src/serve never reaches src/push: serve shows what a push reports (src/fleet), and the
 *   runtime, not the HTTP side, runs the pushes and hands it their results.
 * - targets/ never reaches src/config: a writer takes only its options, whatever file they
 *   came from (a configuration, `export -o`, a device's settings).
 */
import { expect } from 'chai';
import { importGraph, type ImportGraph } from './import-graph.js';

interface LayerRule {
  /** Files under this folder ... */
  from: string;
  /** ... never reach a file under this one. */
  never: string;
}

const RULES: readonly LayerRule[] = [
  { from: 'src/serve/', never: 'src/push/' },
  { from: 'targets/', never: 'src/config/' },
];

/** For each file under `rule.from` that reaches `rule.never`, the shortest chain of imports that does. */
function layerBreaches(graph: ImportGraph, rule: LayerRule): string[][] {
  const breaches: string[][] = [];
  for (const start of [...graph.keys()].filter((file) => file.startsWith(rule.from)).sort()) {
    const previous = new Map<string, string>([[start, '']]);
    const queue = [start];
    search: while (queue.length > 0) {
      const node = queue.shift() as string;
      const imports = graph.get(node);
      for (const next of [...(imports?.static ?? []), ...(imports?.dynamic ?? [])]) {
        if (previous.has(next)) continue;
        previous.set(next, node);
        if (next.startsWith(rule.never)) {
          const chain = [next];
          while (chain[0] !== start) chain.unshift(previous.get(chain[0]) as string);
          breaches.push(chain);
          break search;
        }
        queue.push(next);
      }
    }
  }
  return breaches;
}

const edges = (staticImports: string[], dynamicImports: string[] = []) => ({
  static: new Set(staticImports),
  dynamic: new Set(dynamicImports),
});

describe('architecture: layers', () => {
  it('finds a file that reaches a forbidden folder, directly, through other folders or lazily (the checker itself)', () => {
    const graph: ImportGraph = new Map([
      ['src/serve/a.ts', edges(['src/fleet/f.ts', 'src/sync/b.ts'])],
      ['src/sync/b.ts', edges(['src/push/c.ts'])],
      ['src/push/c.ts', edges([])],
      ['src/serve/clean.ts', edges(['src/fleet/f.ts'])],
      ['src/fleet/f.ts', edges([])],
      ['targets/x.ts', edges([], ['src/config/y.ts'])],
      ['src/config/y.ts', edges(['src/push/c.ts'])],
      ['src/cli/z.ts', edges(['src/push/c.ts', 'src/config/y.ts'])],
    ]);
    expect(RULES.map((rule) => layerBreaches(graph, rule))).to.deep.equal([
      [['src/serve/a.ts', 'src/sync/b.ts', 'src/push/c.ts']],
      [['targets/x.ts', 'src/config/y.ts']],
    ]);
  });

  for (const rule of RULES) {
    it(`nothing under ${rule.from} reaches ${rule.never}`, () => {
      const graph = importGraph();
      expect(
        [...graph.keys()].some((file) => file.startsWith(rule.from)),
        `${rule.from} holds files`,
      ).to.equal(true);
      const breaches = layerBreaches(graph, rule).map((chain) => chain.join(' -> '));
      expect(breaches, `${rule.from} reaches ${rule.never}:\n${breaches.join('\n')}`).to.deep.equal([]);
    });
  }
});
