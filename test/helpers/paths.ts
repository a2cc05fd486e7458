/** Paths that hold wherever the tests were compiled to (dist/ or a private .build/<name>/). */
import { existsSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

const here = dirname(fileURLToPath(import.meta.url));

/** The compiled tree's root (the folder holding src/, targets/, test/). */
export const BUILD_ROOT = join(here, '..', '..');

/** The repository root (holds package.json and fixtures/). */
export const REPO_ROOT = findUp(BUILD_ROOT) ?? process.cwd();

/** The compiled CLI entry point, for tests that run the tool as a child process. */
export const CLI = join(BUILD_ROOT, 'src', 'cli', 'bin.cjs');

/**
 * What a test passes to process.execPath to run the CLI: Node's --throw-deprecation, then the
 * bin. A deprecation warning, from src/ or a dependency on any Node line, then ends the command
 * with its stack instead of a stderr line no assertion reads
 * (https://nodejs.org/api/cli.html#--throw-deprecation).
 */
export const CLI_ARGS = ['--throw-deprecation', CLI];

export function fixture(...parts: string[]): string {
  return join(REPO_ROOT, 'fixtures', ...parts);
}

function findUp(start: string): string | undefined {
  for (let dir = start; ; dir = dirname(dir)) {
    if (existsSync(join(dir, 'package.json')) && existsSync(join(dir, 'fixtures'))) return dir;
    if (dirname(dir) === dir) return undefined;
  }
}
