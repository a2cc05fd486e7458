/** The real CLI's `push --watch` as a child process, its configuration, and iptables-api device entries for it. */
import { spawn, type ChildProcess } from 'node:child_process';
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { stringify } from 'yaml';
import type { FakeIptablesApi } from './fake-iptables-api.js';
import { CLI_ARGS } from './paths.js';

export interface WatchProcess {
  child: ChildProcess;
  exited: Promise<number | null>;
  stdout: () => string;
  stderr: () => string;
}

/** `args` go before `push --watch` (global options) and `watchArgs` after it. */
export function startPushWatch(config: string, env: Record<string, string>, args: string[] = [], watchArgs: string[] = []): WatchProcess {
  const child = spawn(process.execPath, [...CLI_ARGS, '-c', config, ...args, '--log-format', 'json', 'push', '--watch', ...watchArgs], {
    env: { PATH: process.env.PATH, HOME: process.env.HOME, ...env },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  const output = { stdout: '', stderr: '' };
  child.stdout?.on('data', (chunk: Buffer) => {
    output.stdout += chunk;
  });
  child.stderr?.on('data', (chunk: Buffer) => {
    output.stderr += chunk;
  });
  const exited = new Promise<number | null>((resolve) => child.on('exit', resolve));
  return { child, exited, stdout: () => output.stdout, stderr: () => output.stderr };
}

/** A device entry for a fake iptables-api daemon, its ledger in `dir`. */
export function iptablesApiDevice(daemon: FakeIptablesApi, name: string, dir: string, extra: Record<string, unknown> = {}) {
  return {
    name,
    driver: 'iptables-api',
    host: '127.0.0.1',
    port: daemon.port,
    ...extra,
    settings: { ledger: join(dir, `ledger-${name}.json`) },
  };
}

/** A configuration file in `dir` for a fake APIBAN (key from FAKE_KEY), state in `dir`, plus `sections`. */
export function watchConfig(dir: string, apibanUrl: string, sections: Record<string, unknown>): string {
  const file = join(dir, 'config.yaml');
  // biome-ignore lint/suspicious/noTemplateCurlyInString: the config's own ${VAR} substitution, not a template
  const apiban = { key: '${FAKE_KEY}', baseUrl: apibanUrl };
  writeFileSync(file, stringify({ apiban, state: { dir: join(dir, 'state') }, ...sections }));
  return file;
}
