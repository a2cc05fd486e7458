/**
 * A fresh copy of the repository for the docs tests that build and install the package as a
 * reader would: the files a clone holds (tracked, plus new ones not ignored, so an uncommitted
 * change is tested too), with this checkout's node_modules linked in place of `npm ci` (the same
 * packages, without the network), and a shim directory whose `npm` answers `npm ci` with that.
 */
import { spawnSync, type SpawnSyncReturns } from 'node:child_process';
import { chmodSync, mkdirSync, symlinkSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { REPO_ROOT } from '../helpers/paths.js';

export function run(command: string, args: string[], cwd: string, env: NodeJS.ProcessEnv, input?: string): SpawnSyncReturns<string> {
  return runWithin(400_000, command, args, cwd, env, input);
}

/** run() with its own limit (undefined: none); spawnSync blocks, so mocha's timeout cannot end a hang. */
export function runWithin(
  timeoutMs: number | undefined,
  command: string,
  args: string[],
  cwd: string,
  env: NodeJS.ProcessEnv,
  input?: string,
): SpawnSyncReturns<string> {
  return spawnSync(command, args, { cwd, env, input, encoding: 'utf8', timeout: timeoutMs });
}

/** Copies the repository into `to` (created) and links node_modules. */
export function cloneRepository(to: string): void {
  mkdirSync(to, { recursive: true });
  const list = run('git', ['ls-files', '-co', '--exclude-standard', '-z'], REPO_ROOT, process.env);
  if (list.status !== 0) throw new Error(`git ls-files failed: ${list.stderr}`);
  const tar = spawnSync('sh', ['-c', `tar --null -T - -cf - | tar -xf - -C '${to}'`], {
    cwd: REPO_ROOT,
    input: list.stdout,
    encoding: 'utf8',
  });
  if (tar.status !== 0) throw new Error(`copy failed: ${tar.stderr}`);
  symlinkSync(join(REPO_ROOT, 'node_modules'), join(to, 'node_modules'));
}

/** Writes `dir/npm`: `npm ci` says node_modules is linked, anything else runs the real npm. */
export function npmShim(dir: string): void {
  mkdirSync(dir, { recursive: true });
  const npm = run('sh', ['-c', 'command -v npm'], dir, process.env).stdout.trim();
  writeFileSync(
    join(dir, 'npm'),
    `#!/bin/sh\nif [ "$1" = ci ]; then echo "npm ci: node_modules linked by the test"; exit 0; fi\nexec '${npm}' "$@"\n`,
  );
  chmodSync(join(dir, 'npm'), 0o755);
}

/** npm settings for a global install into `prefix`, from the cache, without chatter. */
export function npmEnv(prefix: string): NodeJS.ProcessEnv {
  return {
    npm_config_prefix: prefix,
    npm_config_prefer_offline: 'true',
    npm_config_audit: 'false',
    npm_config_fund: 'false',
    npm_config_update_notifier: 'false',
  };
}
