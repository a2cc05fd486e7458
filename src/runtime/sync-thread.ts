/**
 * The event loop's side of serve's sync thread (sync-worker.ts): a SyncService whose syncs run in
 * a worker. Starting it starts the sync service there (the state lock, the saved sets), and
 * fails as createSyncService would, with the same message and exit code. A worker that dies
 * fails the sync waiting on it and every later one, so /healthz and the status page say so.
 */
import { mkdir } from 'node:fs/promises';
import type { Worker } from 'node:worker_threads';
import { EMBEDDED } from '../single-executable.js';
import type { LoadedConfig } from '../config/load.js';
import { ExporterError } from '../errors.js';
import type { Logger } from '../log.js';
import { lockStateDir, type StateLock } from '../sync/lock.js';
import type { PublishedSet } from '../sync/published-set.js';
import type { SyncHooks, SyncReport, SyncService } from '../sync/service.js';
import { publishedFromMessage, type ErrorMessage, type FromWorker, type SyncWorkerData, type ToWorker } from './sync-messages.js';
import { startWorkerThread } from '../threads/worker-thread.js';

/** An error from the worker, rebuilt with the exit code the CLI would have used for the original. */
class SyncThreadError extends ExporterError {
  override readonly exitCode: number;
  constructor(error: ErrorMessage) {
    super(error.message);
    this.exitCode = error.exitCode ?? 1;
  }
}

interface Waiting {
  resolve(report: SyncReport): void;
  reject(error: Error): void;
}

/**
 * The state lock is taken here, on the event loop: a lock is shared by the opens of one process
 * through its module (lock.ts), and a worker has modules of its own, so a reload's new service
 * (here or on the loop) could not otherwise hold it alongside the old one.
 */
export async function startSyncThread(loaded: LoadedConfig, log: Logger, hooks: SyncHooks = {}): Promise<SyncService> {
  // The store makes the directory too, and says why when it cannot; the lock needs it first.
  await mkdir(loaded.stateDir, { recursive: true }).catch(() => undefined);
  const lock = await lockStateDir(loaded.stateDir, log);
  try {
    return await startWorker(loaded, log, hooks, lock);
  } catch (error) {
    await lock.release();
    throw error;
  }
}

async function startWorker(loaded: LoadedConfig, log: Logger, hooks: SyncHooks, lock: StateLock): Promise<SyncService> {
  // The same relative URL works from tsc's dist/src/serve/ and from the CLI bundle (scripts/bundle-cli.mjs).
  const worker = startWorkerThread(new URL('./sync-worker.js', import.meta.url), EMBEDDED.syncWorker, {
    workerData: { loaded } satisfies SyncWorkerData,
  });
  const thread = new SyncThread(worker, log, hooks, lock);
  await thread.ready.catch(async (error: unknown) => {
    await worker.terminate();
    throw error;
  });
  return thread;
}

class SyncThread implements SyncService {
  readonly ready: Promise<void>;
  private latest: PublishedSet | undefined;
  private readonly waiting = new Map<number, Waiting>();
  private nextId = 0;
  private failure: Error | undefined;
  private closing: (() => void) | undefined;

  constructor(
    private readonly worker: Worker,
    private readonly log: Logger,
    private readonly hooks: SyncHooks,
    private readonly lock: StateLock,
  ) {
    this.ready = new Promise((resolve, reject) => {
      worker.on('message', (message: FromWorker) => this.receive(message, resolve, reject));
      worker.on('error', (error) => this.fail(error, reject));
      worker.on('exit', (code) => this.fail(new Error(`the sync thread exited (code ${code})`), reject));
    });
  }

  current(): PublishedSet | undefined {
    return this.latest;
  }

  sync(options: { full?: boolean; signal?: AbortSignal } = {}): Promise<SyncReport> {
    if (this.failure !== undefined) return Promise.reject(this.failure);
    const id = this.nextId++;
    const abort = () => this.send({ kind: 'abort', id });
    options.signal?.addEventListener('abort', abort, { once: true });
    return new Promise<SyncReport>((resolve, reject) => {
      this.waiting.set(id, { resolve, reject });
      this.send({ kind: 'sync', id, full: options.full });
    }).finally(() => options.signal?.removeEventListener('abort', abort));
  }

  /** Releases the state lock in the worker, then ends the thread. */
  async close(): Promise<void> {
    if (this.failure === undefined) {
      await new Promise<void>((resolve) => {
        this.closing = resolve;
        this.send({ kind: 'close' });
      });
    }
    await this.worker.terminate();
    await this.lock.release();
  }

  private send(message: ToWorker): void {
    if (this.failure === undefined) this.worker.postMessage(message);
  }

  private receive(message: FromWorker, started: () => void, startFailed: (error: Error) => void): void {
    if (message.kind === 'log') {
      const logger = message.bindings.reduce<Logger>((parent, bindings) => parent.child(bindings), this.log);
      Reflect.apply(logger[message.level], logger, message.args);
    } else if (message.kind === 'apiban') this.hooks.onApibanRequest?.(message.outcome);
    else if (message.kind === 'ready') {
      this.latest = publishedFromMessage(message.current);
      started();
    } else if (message.kind === 'start-failed') this.fail(new SyncThreadError(message.error), startFailed);
    else if (message.kind === 'closed') this.closing?.();
    else this.settle(message);
  }

  private settle(message: Extract<FromWorker, { kind: 'report' | 'sync-failed' }>): void {
    const waiting = this.waiting.get(message.id);
    this.waiting.delete(message.id);
    if (message.kind === 'sync-failed') {
      waiting?.reject(new SyncThreadError(message.error));
      return;
    }
    const published = publishedFromMessage(message.report.published);
    if (published !== undefined) this.latest = published;
    waiting?.resolve({ ...message.report, published });
  }

  /** The thread is gone (or never started): everything waiting, and every later sync, fails with why. */
  private fail(error: Error, startFailed: (error: Error) => void): void {
    this.failure ??= error;
    startFailed(error);
    for (const waiting of this.waiting.values()) waiting.reject(error);
    this.waiting.clear();
    this.closing?.();
  }
}
