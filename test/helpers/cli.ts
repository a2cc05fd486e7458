/** Runs the real CLI as a child process and collects its output. */
import { spawn } from 'node:child_process';
import { CLI_ARGS } from './paths.js';

/** How to start the CLI: a program and the arguments before the command's own. */
export type CliCommand = readonly [string, ...string[]];

/** The npm package's CLI on the Node running the tests, under --throw-deprecation (paths.ts). */
export const NODE_CLI: CliCommand = [process.execPath, ...CLI_ARGS];

export interface CliResult {
  code: number | null;
  stdout: string;
  stderr: string;
}

export function runCli(
  args: string[],
  options: { env?: NodeJS.ProcessEnv; cwd?: string; input?: string; timeoutMs?: number; command?: CliCommand } = {},
): Promise<CliResult> {
  const [program, ...prefix] = options.command ?? NODE_CLI;
  return new Promise((resolve, reject) => {
    const child = spawn(program, [...prefix, ...args], {
      cwd: options.cwd,
      env: { PATH: process.env.PATH, HOME: process.env.HOME, ...options.env },
      stdio: ['pipe', 'pipe', 'pipe'],
    });
    let stdout = '';
    let stderr = '';
    child.stdout.on('data', (chunk: Buffer) => {
      stdout += chunk;
    });
    child.stderr.on('data', (chunk: Buffer) => {
      stderr += chunk;
    });
    const timer = setTimeout(() => child.kill('SIGKILL'), options.timeoutMs ?? 30_000);
    child.on('error', reject);
    child.on('close', (code) => {
      clearTimeout(timer);
      resolve({ code, stdout, stderr });
    });
    // A command that never reads its input (--help, say) may exit before the write reaches it:
    // the EPIPE is the child's business, and its exit code and output are what the test checks.
    child.stdin.on('error', () => {});
    child.stdin.end(options.input ?? '');
  });
}
