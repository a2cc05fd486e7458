/**
 * The render worker's entry: builds a variant's bytes off the serving thread, so a 1M-entry set
 * being rendered and gzipped (about a second of CPU) does not hold up the requests the server
 * answers meanwhile. It runs the very function the event loop would (renderVariantBytes) on a
 * copy of the set, and hands the bytes back by transferring their ArrayBuffers (no copy).
 * See https://nodejs.org/api/worker_threads.html#portpostmessagevalue-transferlist
 */
import { yieldToEventLoop } from '../../threads/background-thread.js';
import { parentPort } from 'node:worker_threads';
import { findTarget } from '../../../targets/index.js';
import { BanSet } from '../../banset/banset.js';
import { TargetLimitError, errorMessage } from '../../errors.js';
import { renderVariantBytes, type RenderedBytes } from './render-bytes.js';
import { SETS_KEPT, type RenderJob, type RenderReply } from './render-pool.js';

yieldToEventLoop();

/** The sets jobs refer to by id, oldest first (render-pool.ts mirrors this to know what to send). */
const sets = new Map<number, BanSet>();

parentPort?.on('message', (job: RenderJob) => {
  if (job.set !== undefined) {
    sets.set(job.setId, BanSet.fromTransfer(job.set));
    if (sets.size > SETS_KEPT) sets.delete(sets.keys().next().value as number);
  }
  void answer(job).then(({ reply, transfer }) => parentPort?.postMessage(reply, transfer));
});

async function answer(job: RenderJob): Promise<{ reply: RenderReply; transfer: ArrayBuffer[] }> {
  try {
    const writer = await findTarget(job.target);
    if (writer === undefined) throw new Error(`unknown target ${job.target}`);
    const set = sets.get(job.setId);
    if (set === undefined) throw new Error(`set ${job.setId} was not sent`);
    const rendered = await renderVariantBytes(writer, set, job.options, job.shape);
    const main = ownBuffer(rendered.main);
    const sidecars = rendered.sidecars.map((sidecar) => ({ suffix: sidecar.suffix, ...ownBuffer(sidecar) }));
    const transfer = [main, ...sidecars].flatMap((bytes) => [bytes.identity.buffer as ArrayBuffer, bytes.gzip.buffer as ArrayBuffer]);
    return { reply: { id: job.id, variant: { main, sidecars } }, transfer };
  } catch (error) {
    const limit = error instanceof TargetLimitError ? { target: error.target, entries: error.entries, limit: error.limit } : undefined;
    return { reply: { id: job.id, error: { message: errorMessage(error), limit } }, transfer: [] };
  }
}

/**
 * Small Buffers share one pooled ArrayBuffer; transferring it would detach the pool, so such
 * bytes are copied into a buffer of their own first.
 */
function ownBuffer(bytes: RenderedBytes): RenderedBytes {
  return { identity: alone(bytes.identity), gzip: alone(bytes.gzip), hash: bytes.hash };
}

function alone(bytes: Uint8Array): Uint8Array {
  return bytes.byteOffset === 0 && bytes.byteLength === bytes.buffer.byteLength ? bytes : new Uint8Array(bytes);
}
