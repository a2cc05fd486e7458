/**
 * Where a snapshot's variants are rendered. Large sets go to one worker thread (render-worker.ts)
 * so the event loop keeps answering while a new version is built; small sets, and writers that
 * are not in the target registry (the worker finds writers by name), render on the event loop,
 * where they take well under a millisecond. Both paths run renderVariantBytes, so the bytes are
 * the same either way.
 */
import type { Worker } from 'node:worker_threads';
import { findTarget } from '../../../targets/index.js';
import type { BanSet, TransferredBanSet } from '../../banset/banset.js';
import { TargetLimitError } from '../../errors.js';
import { EMBEDDED } from '../../single-executable.js';
import type { AnyTargetWriter } from '../../writers/contract.js';
import { renderVariantBytes, type RenderedVariant, type VariantShape } from './render-bytes.js';
import { startWorkerThread } from '../../threads/worker-thread.js';

/** Below this many entries a render costs less than a worker round trip is worth. */
export const WORKER_MIN_ENTRIES = 20_000;

export interface RenderJob {
  readonly id: number;
  readonly target: string;
  readonly options: unknown;
  readonly shape: VariantShape;
  readonly setId: number;
  /** Sent with the first job on a set only; the worker keeps the last SETS_KEPT sets by id. */
  readonly set?: TransferredBanSet;
}

/** The served set and the one being built: what a worker must hold to skip copying a set per output. */
export const SETS_KEPT = 2;

/**
 * An idle worker is ended after this long: its heap, its copies of the sets and the garbage of a
 * million-entry render (which an idle thread would never collect) go back to the system, and a
 * sync every few minutes pays about 50 ms to start a new one.
 */
export const WORKER_IDLE_MS = 2_000;

export type RenderReply =
  | { readonly id: number; readonly variant: RenderedVariant; readonly error?: undefined }
  | { readonly id: number; readonly error: { message: string; limit?: { target: string; entries: number; limit: number } | undefined } };

export type VariantRenderer = (writer: AnyTargetWriter, set: BanSet, options: unknown, shape: VariantShape) => Promise<RenderedVariant>;

export const renderInline: VariantRenderer = renderVariantBytes;

interface Waiting {
  resolve(variant: RenderedVariant): void;
  reject(error: Error): void;
}

/** The same relative URL works from tsc's dist/src/serve/ and from the CLI bundle (scripts/bundle-cli.mjs). */
function newRenderWorker(): Worker {
  return startWorkerThread(new URL('./render-worker.js', import.meta.url), EMBEDDED.renderWorker);
}

export class RenderPool {
  private worker: Worker | undefined;
  private readonly waiting = new Map<number, Waiting>();
  private nextId = 0;
  private nextSetId = 0;
  /** What the current worker holds, oldest first. */
  private sent: BanSet[] = [];
  private sentIds: number[] = [];
  private idle: NodeJS.Timeout | undefined;

  constructor(private readonly minEntries = WORKER_MIN_ENTRIES) {}

  readonly render: VariantRenderer = async (writer, set, options, shape) => {
    if (set.size < this.minEntries || (await findTarget(writer.name)) !== writer) return renderInline(writer, set, options, shape);
    return new Promise<RenderedVariant>((resolve, reject) => {
      clearTimeout(this.idle);
      const worker = this.started();
      const job: RenderJob = { id: this.nextId++, target: writer.name, options, shape, ...this.setReference(set) };
      this.waiting.set(job.id, { resolve, reject });
      worker.ref();
      try {
        worker.postMessage(job);
      } catch {
        // Options postMessage cannot copy (none of the registry's writers has such): render here.
        this.waiting.delete(job.id);
        resolve(renderInline(writer, set, options, shape));
      }
    });
  };

  /**
   * The worker keeps the last SETS_KEPT sets it was sent (render-worker.ts evicts the same way),
   * so each set is copied once per version, not once per output and query.
   */
  private setReference(set: BanSet): { setId: number; set?: TransferredBanSet } {
    const known = this.sent.indexOf(set);
    if (known >= 0) return { setId: this.sentIds[known] };
    this.sent.push(set);
    this.sentIds.push(this.nextSetId);
    if (this.sent.length > SETS_KEPT) {
      this.sent.shift();
      this.sentIds.shift();
    }
    return { setId: this.nextSetId++, set: set.toTransfer() };
  }

  /** Stops the worker; renders still waiting fail. */
  async close(): Promise<void> {
    clearTimeout(this.idle);
    const worker = this.worker;
    if (worker !== undefined) await worker.terminate();
  }

  private started(): Worker {
    if (this.worker !== undefined) return this.worker;
    const worker = newRenderWorker();
    worker.on('message', (reply: RenderReply) => this.settle(reply));
    worker.on('error', (error) => this.abandon(worker, error));
    worker.on('exit', (code) => this.abandon(worker, new Error(`render worker exited with code ${code}`)));
    this.worker = worker;
    return worker;
  }

  private settle(reply: RenderReply): void {
    const waiting = this.waiting.get(reply.id);
    this.waiting.delete(reply.id);
    // An idle worker must not keep the process alive, and is ended after a while.
    if (this.waiting.size === 0) {
      this.worker?.unref();
      this.idle = setTimeout(() => this.retire(), WORKER_IDLE_MS).unref();
    }
    if (waiting === undefined) return;
    if (reply.error === undefined) waiting.resolve(reply.variant);
    else
      waiting.reject(
        reply.error.limit === undefined
          ? new Error(reply.error.message)
          : new TargetLimitError(reply.error.limit.target, reply.error.limit.entries, reply.error.limit.limit),
      );
  }

  private retire(): void {
    const worker = this.worker;
    if (worker === undefined || this.waiting.size > 0) return;
    this.forget();
    void worker.terminate();
  }

  private forget(): void {
    this.worker = undefined;
    this.sent = [];
    this.sentIds = [];
  }

  /** A crashed worker fails what it held; the next render starts a fresh one. */
  private abandon(worker: Worker, error: Error): void {
    if (this.worker !== worker) return;
    this.forget();
    for (const waiting of this.waiting.values()) waiting.reject(error);
    this.waiting.clear();
  }
}
