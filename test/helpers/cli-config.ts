/**
 * The pieces of a configuration file that CLI tests write again and again: the `apiban:` section
 * aimed at the fake, a push device aimed at an SSH simulator, and the file itself in a fresh
 * temporary directory. Each test still spells out what it is about (intervals, guards, outputs).
 */
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { stringify } from 'yaml';
import type { FakeApiban } from './fake-apiban.js';
import type { SimulatedDevice } from './ssh-device.js';

/**
 * The key goes through `${FAKE_KEY}` (the config's own substitution), so the file never holds
 * it and a test can check that no log shows it; the budget is one the fake never makes wait.
 */
export function fakeApibanSection(fake: Pick<FakeApiban, 'url'>): Record<string, unknown> {
  // biome-ignore lint/suspicious/noTemplateCurlyInString: the config's own ${VAR} substitution, not a template
  return { key: '${FAKE_KEY}', baseUrl: fake.url, budget: { requests: 1000, window: '1s' } };
}

export interface SimulatorDeviceEntry {
  name: string;
  driver: string;
  /** The variable that holds the simulator's password. */
  passwordEnv: string;
  /** The simulator's user; `ops` unless given. */
  username?: string;
  [setting: string]: unknown;
}

/** A `push.devices` entry for a simulator: its user (`ops` by default), password from the environment, its host key pinned. */
export function simulatorDevice(
  device: SimulatedDevice,
  { passwordEnv, username = 'ops', ...entry }: SimulatorDeviceEntry,
): Record<string, unknown> {
  // The entry's own fields come last: a test that needs more credentials (enable mode) overrides them.
  return {
    host: device.host,
    port: device.port,
    credentials: { username, passwordEnv },
    hostKey: { fingerprint: device.fingerprint },
    ...entry,
  };
}

/** Writes `config.yaml` (built from the new directory's path) into a new temporary directory. */
export function writeCliConfig(prefix: string, build: (dir: string) => Record<string, unknown>): { dir: string; path: string } {
  const dir = mkdtempSync(join(tmpdir(), prefix));
  const path = join(dir, 'config.yaml');
  writeFileSync(path, stringify(build(dir)));
  return { dir, path };
}
