/**
 * When each address joins an nftables set, as the kernel announces it: `nft -j monitor new elements`
 * inside a network namespace (nft(8), MONITOR: "nft monitor [new | destroy] [tables | chains | sets |
 * rules | elements | ruleset]"; with -j one JSON object a line, `{"add": {"element": {family, table,
 * name, elem: {set: [...]}}}}`, libnftables-json(5)), each line timed as it arrives here. It is
 * told, not polled, so no polling interval is part of what it measures.
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { createInterface } from 'node:readline';
import type { NetworkNamespace } from '../test/helpers/netns.js';

/** A table of the watch's own, where it proves it is subscribed before anything is measured. */
const PROBE_TABLE = 'apiban_bench_probe';

interface ElementEvent {
  add?: { element?: { table?: string; name?: string; elem?: { set?: unknown[] } } };
}

export class NftElementWatch {
  /** `table set element` -> performance.now() of the first add event naming it. */
  private readonly added = new Map<string, number>();

  private constructor(private readonly monitor: ChildProcess) {
    createInterface({ input: monitor.stdout as NodeJS.ReadableStream }).on('line', (line) => this.record(line, performance.now()));
  }

  /**
   * Starts the monitor and returns once it reports events: the netlink subscription starts some
   * time after the process does, and an event before it would be lost.
   */
  static async start(ns: NetworkNamespace): Promise<NftElementWatch> {
    const monitor = spawn('ip', ['netns', 'exec', ns.name, 'nft', '-j', 'monitor', 'new', 'elements'], {
      stdio: ['ignore', 'pipe', 'inherit'],
    });
    const watch = new NftElementWatch(monitor);
    ns.run('nft', ['-f', '-'], `table inet ${PROBE_TABLE} {\n  set probe { type ipv4_addr; }\n}\n`);
    for (let probe = 1; !watch.sawTable(PROBE_TABLE); probe++) {
      if (monitor.exitCode !== null || probe > 250) throw new Error('nft monitor reported no event');
      ns.run('nft', ['add', 'element', 'inet', PROBE_TABLE, 'probe', `{ 192.0.2.${probe} }`]);
      await new Promise((resolve) => setTimeout(resolve, 20));
    }
    ns.run('nft', ['delete', 'table', 'inet', PROBE_TABLE]);
    return watch;
  }

  /** When `element` was first added to `table`'s `set`, on performance.now()'s clock. */
  addedAt(table: string, set: string, element: string): number | undefined {
    return this.added.get(`${table} ${set} ${element}`);
  }

  private sawTable(table: string): boolean {
    return [...this.added.keys()].some((key) => key.startsWith(`${table} `));
  }

  async stop(): Promise<void> {
    if (this.monitor.exitCode !== null) return;
    const exited = new Promise((resolve) => this.monitor.once('exit', resolve));
    this.monitor.kill('SIGTERM');
    await exited;
  }

  private record(line: string, at: number): void {
    let event: ElementEvent;
    try {
      event = JSON.parse(line) as ElementEvent;
    } catch {
      return; // not an event line
    }
    const element = event.add?.element;
    for (const value of element?.elem?.set ?? []) {
      const key = `${element?.table} ${element?.name} ${typeof value === 'string' ? value : JSON.stringify(value)}`;
      if (!this.added.has(key)) this.added.set(key, at);
    }
  }
}
