/**
 * The Node that runs the processes a bench section measures: BENCH_NODE (a path to a node binary,
 * e.g. `BENCH_NODE="$(scripts/node-bin.sh 24)/node"`), else the one running the bench. The bench
 * itself (its load generators and bookkeeping) always stays on the Node that started it.
 */
export function benchNode(): string {
  return process.env.BENCH_NODE ?? process.execPath;
}
