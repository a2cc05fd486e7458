/** What the edge recipes' tests share: serve's configuration for one ingest client, and what serve logs and serves. */
import { spawn, spawnSync, type ChildProcess } from 'node:child_process';
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { stringify } from 'yaml';
import type { ServeProcess } from '../helpers/serve-process.js';

/** How long a recipe test waits for one step (a program's start, a ban to travel); a bound for a hang, not a timing check. */
export const WAIT_MS = 30_000;

/** Why a recipe test cannot run here (the first program not on PATH), or undefined when it can. */
export function programMissing(...programs: string[]): string | undefined {
  const missing = programs.find((program) => spawnSync('sh', ['-c', `command -v ${program}`]).status !== 0);
  return missing === undefined ? undefined : `${missing} is not installed`;
}

/** The `ingest` client every recipe test calls as. */
export const CLIENT = 'sbc1';

/**
 * serve's configuration in `dir`: the bundled sample as its only source (no network), the ingest
 * listener on a free port of 127.0.0.1 for one client from `allow` (with `tokenFile`, only with its
 * token), plus `sections`.
 */
export function writeServeConfig(dir: string, allow: string, sections: Record<string, unknown> = {}, tokenFile?: string): string {
  const file = join(dir, 'config.yaml');
  const ingest = { listen: '127.0.0.1:0', clients: [{ name: CLIENT, allow: [allow], ...(tokenFile === undefined ? {} : { tokenFile }) }] };
  writeFileSync(file, stringify({ sources: [{ name: 'sample', sample: true }], state: { dir: join(dir, 'state') }, ingest, ...sections }));
  return file;
}

/** The ingest events serve logged (`edge ban accepted`, `edge ban removed`, `edge bans flushed`), in order, as "message address". */
export function ingestEvents(serve: ServeProcess): string[] {
  return serve
    .stderr()
    .split('\n')
    .filter((line) => line.includes('"component":"ingest"'))
    .map((line) => JSON.parse(line) as { msg: string; ban?: string; client?: string })
    .filter((entry) => entry.client === CLIENT)
    .map((entry) => (entry.ban === undefined ? entry.msg : `${entry.msg} ${entry.ban}`));
}

/** The addresses a /plain.txt body lists (its comment header left out). */
export function plainAddresses(body: string): string[] {
  return body.split('\n').filter((line) => line !== '' && !line.startsWith('#'));
}

/** A child process with its stdout and stderr gathered together. */
export interface Running {
  child: ChildProcess;
  output: () => string;
  exited: Promise<number | null>;
}

export function run(program: string, args: string[]): Running {
  const child = spawn(program, args, { stdio: ['ignore', 'pipe', 'pipe'] });
  let output = '';
  child.stdout?.on('data', (chunk: Buffer) => {
    output += chunk;
  });
  child.stderr?.on('data', (chunk: Buffer) => {
    output += chunk;
  });
  return { child, output: () => output, exited: new Promise((resolve) => child.on('exit', resolve)) };
}

/** SIGTERM, then its exit; nothing when it already ended. */
export async function stop(running: Running | undefined): Promise<void> {
  if (running === undefined || running.child.exitCode !== null || running.child.signalCode !== null) return;
  running.child.kill('SIGTERM');
  await running.exited;
}
