/** The real CLI's `serve` as a child process, for end-to-end tests. */
import { spawn, type ChildProcess } from 'node:child_process';
import { type CliCommand, NODE_CLI } from './cli.js';
import { present } from './present.js';

export interface ServeProcess {
  child: ChildProcess;
  port: number;
  stderr: () => string;
  exited: Promise<number | null>;
}

/**
 * Starts `serve` on 127.0.0.1 port 0 (or `listen`, to restart on a known port) as a child process and resolves once it logs
 * `listening`; `command` starts another build of the CLI (the single executable).
 */
export async function startServe(
  configFile: string,
  env: Record<string, string> = {},
  listen = '127.0.0.1:0',
  [program, ...prefix]: CliCommand = NODE_CLI,
): Promise<ServeProcess> {
  const child = spawn(
    program,
    [...prefix, '-c', configFile, '--log-format', 'json', 'serve', '--listen', listen, '--min-interval', '150ms'],
    {
      env: { PATH: process.env.PATH, HOME: process.env.HOME, ...env },
      stdio: ['ignore', 'pipe', 'pipe'],
    },
  );
  let stderr = '';
  const exited = new Promise<number | null>((resolve) => child.on('exit', (code) => resolve(code)));
  const port = await new Promise<number>((resolve, reject) => {
    const timer = setTimeout(() => reject(new Error(`serve did not start:\n${stderr}`)), 10_000);
    present(child.stderr, "the serve process's stderr").on('data', (chunk: Buffer) => {
      stderr += chunk;
      const line = stderr.split('\n').find((l) => l.includes('"listening"'));
      if (line !== undefined) {
        clearTimeout(timer);
        resolve(JSON.parse(line).port as number);
      }
    });
    void exited.then((code) => reject(new Error(`serve exited with ${code}:\n${stderr}`)));
  });
  return { child, port, stderr: () => stderr, exited };
}

/** The port of serve's edge ingest listener (`ingest.listen`), from its `edge ingest listening` log line. */
export function ingestPort(serve: ServeProcess): number {
  const line = serve
    .stderr()
    .split('\n')
    .find((l) => l.includes('edge ingest listening'));
  if (line === undefined) throw new Error(`no edge listener in:\n${serve.stderr()}`);
  return JSON.parse(line).port as number;
}

export async function waitFor(check: () => Promise<boolean>, what: string, timeoutMs = 10_000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!(await check())) {
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await new Promise((resolve) => setTimeout(resolve, 50));
  }
}
