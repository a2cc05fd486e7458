/**
 * Starting serve's two worker threads (render-worker.ts, sync-worker.ts) one way: from the bundled
 * file beside the module, or in the single executable, which has no files beside it, from the copy
 * embedded in it, run as code (`eval`, documented for this:
 * https://nodejs.org/api/worker_threads.html#new-workerfilename-options).
 */
import { Worker, type WorkerOptions } from 'node:worker_threads';
import { embeddedText, type EmbeddedFile } from '../single-executable.js';

/**
 * V8 sizes a young generation by the heap's limit, and since Node 22 that lets each thread's
 * grow to tens of megabytes that RSS keeps after a large sync; 16 MB keeps scavenges cheap
 * (resourceLimits, same page).
 */
const YOUNG_GENERATION_MB = 16;

export function startWorkerThread(file: URL, embedded: EmbeddedFile, options: WorkerOptions = {}): Worker {
  const limited = { ...options, resourceLimits: { maxYoungGenerationSizeMb: YOUNG_GENERATION_MB } };
  const code = embeddedText(embedded);
  return code === undefined ? new Worker(file, limited) : new Worker(code, { ...limited, eval: true });
}
