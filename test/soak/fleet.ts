/**
 * The processes of the soak: `serve` across restarts (clean and kill -9), HTTP pollers that hold
 * every 200 against its ETag and the model, and the logs of everything that ran, so the test can
 * say what went wrong and when.
 */
import { createHash } from 'node:crypto';
import { request } from 'node:http';
import { startServe, type ServeProcess } from '../helpers/serve-process.js';
import { present } from '../helpers/present.js';

/** How long a concurrent CLI run may take before the soak kills it (soak.slow.test.ts uses the same). */
export const CONCURRENT_RUN_TIMEOUT_MS = 60_000;

export interface Violation {
  at: number;
  what: string;
}

/** Serve under a supervisor that restarts it at once, as systemd would (Restart=always). */
export class ServeSupervisor {
  current?: ServeProcess;
  generation = 0;
  restarting = false;
  readonly logs: string[] = [];
  readonly violations: Violation[] = [];
  private expectedExit = false;

  constructor(
    private readonly configFile: string,
    private readonly env: Record<string, string>,
  ) {}

  async start(): Promise<void> {
    this.restarting = true;
    // A concurrent `sync` may hold the lock while it waits out the fake's faults and 429 windows:
    // the refusal names it, and a retry wins once it ends (at the latest when its 60 s timeout
    // kills it), as systemd's Restart= would keep trying.
    const deadline = Date.now() + CONCURRENT_RUN_TIMEOUT_MS + 5_000;
    for (;;) {
      try {
        const serve = await startServe(this.configFile, this.env);
        this.watch(serve);
        break;
      } catch (error) {
        const message = (error as Error).message;
        this.logs.push(message);
        if (!/locked by pid \d+ \((sync|push|export)\)/.test(message) || Date.now() > deadline) throw error;
        await new Promise((resolve) => setTimeout(resolve, 200));
      }
    }
    this.generation++;
    this.restarting = false;
  }

  private watch(serve: ServeProcess): void {
    this.current = serve;
    this.expectedExit = false;
    void serve.exited.then((code) => {
      this.logs.push(serve.stderr());
      if (!this.expectedExit)
        this.violations.push({ at: Date.now(), what: `serve exited on its own with ${code}:\n${serve.stderr().slice(-3000)}` });
    });
  }

  async restart(how: 'SIGTERM' | 'SIGKILL'): Promise<void> {
    const serve = present(this.current, 'a running serve');
    this.restarting = true;
    this.expectedExit = true;
    serve.child.kill(how);
    const code = await serve.exited;
    if (how === 'SIGTERM' && code !== 0)
      this.violations.push({ at: Date.now(), what: `clean stop exited ${code}:\n${serve.stderr().slice(-2000)}` });
    await this.start();
  }

  hangup(): void {
    this.current?.child.kill('SIGHUP');
  }

  async stop(): Promise<void> {
    if (this.current === undefined) return;
    this.restarting = true;
    this.expectedExit = true;
    this.current.child.kill('SIGTERM');
    await this.current.exited;
  }

  allLogs(): string {
    return [...this.logs, this.current?.stderr() ?? ''].join('\n');
  }
}

export interface Answer {
  status: number;
  etag?: string | undefined;
  body: Buffer;
}

export function get(port: number, path: string, timeoutMs = 5000): Promise<Answer> {
  return new Promise((resolve, reject) => {
    const req = request({ host: '127.0.0.1', port, path, timeout: timeoutMs }, (res) => {
      const chunks: Buffer[] = [];
      res.on('data', (chunk: Buffer) => chunks.push(chunk));
      res.on('end', () => resolve({ status: res.statusCode ?? 0, etag: res.headers.etag, body: Buffer.concat(chunks) }));
      res.on('error', reject);
    });
    req.on('timeout', () => req.destroy(new Error('timeout')));
    req.on('error', reject);
    req.end();
  });
}

/**
 * One poller: GET /plain.txt and /healthz until stopped. A failure counts only if no restart
 * began or ended while the request was out; every 200 body must hash to its ETag and pass `check`.
 */
export async function poll(
  serve: ServeSupervisor,
  check: (lines: string[]) => string | undefined,
  violations: Violation[],
  stop: () => boolean,
): Promise<{ answered: number; bodies: number }> {
  let answered = 0;
  let bodies = 0;
  while (!stop()) {
    const generation = serve.generation;
    const quiet = !serve.restarting && serve.current !== undefined;
    const path = answered % 5 === 4 ? '/healthz' : '/plain.txt';
    try {
      const answer = await get(present(serve.current, 'a running serve').port, path);
      answered++;
      if (path === '/plain.txt' && answer.status === 200) {
        const hash = `"${createHash('sha256').update(answer.body).digest('base64url')}"`;
        if (answer.etag !== hash) violations.push({ at: Date.now(), what: `ETag ${answer.etag} is not the body's hash ${hash}` });
        bodies++;
        const problem = check(
          answer.body
            .toString()
            .split('\n')
            .filter((l) => l !== '' && !l.startsWith('#')),
        );
        if (problem !== undefined) violations.push({ at: Date.now(), what: problem });
      } else if (path === '/plain.txt' && answer.status !== 503) {
        violations.push({ at: Date.now(), what: `/plain.txt answered ${answer.status}` });
      }
    } catch (error) {
      if (quiet && !serve.restarting && generation === serve.generation) {
        violations.push({ at: Date.now(), what: `serve did not answer ${path}: ${(error as Error).message}` });
      }
    }
    await new Promise((resolve) => setTimeout(resolve, 20));
  }
  return { answered, bodies };
}
