/**
 * The real `sync` command in a child process against a fresh fake APIBAN, state directory and
 * config file for each test: the set-up the crash, signal and history-crash tests share.
 * `useSyncChild` registers its own beforeEach/afterEach, so call it inside `describe`.
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { CLI_ARGS } from '../helpers/paths.js';
import { runCli, type CliResult } from '../helpers/cli.js';
import { startFakeApiban, type FakeApiban } from '../helpers/fake-apiban.js';
import { manyAddresses, tempDir } from './support.js';

export interface SyncChild {
  readonly fake: FakeApiban;
  readonly configFile: string;
  readonly stateDir: string;
  /** The key and state directory as the child gets them (and PATH). */
  env(): Record<string, string | undefined>;
  /** Starts `sync` and returns at once; the caller kills or awaits it. */
  start(): ChildProcess;
  /** Runs `sync` (with `args`) to its end. */
  run(...args: string[]): Promise<CliResult>;
}

/** `addresses` listed by the fake; `budget` requests per second, so paging is never what the test waits for. */
export function useSyncChild(addresses: number, budget: number): SyncChild {
  let fake: FakeApiban | undefined;
  let dir: ReturnType<typeof tempDir> | undefined;
  const present = <T>(value: T | undefined): T => {
    if (value === undefined) throw new Error('useSyncChild: used outside a test');
    return value;
  };
  const child: SyncChild = {
    get fake() {
      return present(fake);
    },
    get configFile() {
      return join(present(dir).path, 'config.json');
    },
    get stateDir() {
      return join(present(dir).path, 'state');
    },
    env: () => ({ PATH: process.env.PATH, APIBAN_KEY: child.fake.key, APIBAN_STATE_DIR: child.stateDir }),
    start: () => spawn(process.execPath, [...CLI_ARGS, '-c', child.configFile, 'sync'], { env: child.env(), stdio: 'ignore' }),
    run: (...args) => runCli(['-c', child.configFile, 'sync', ...args], { env: child.env(), timeoutMs: 60_000 }),
  };
  beforeEach(async () => {
    dir = tempDir();
    fake = await startFakeApiban({ addresses: manyAddresses(addresses) });
    writeFileSync(child.configFile, JSON.stringify({ apiban: { baseUrl: fake.url, budget: { requests: budget, window: '1s' } } }));
  });
  afterEach(async () => {
    if (fake !== undefined) fake.onRequest = undefined;
    await fake?.close();
    dir?.remove();
  });
  return child;
}
