/**
 * serve's sync thread: the whole sync service (src/sync/service.ts) runs here, so what it does
 * with a million entries (reading and writing the state files, parsing the sources, applying the
 * policy on a reload that changed it, diffing for the history) never holds up the event loop
 * that answers the polls. The event loop's side is sync-thread.ts; each published set comes back
 * as typed-array columns (sync-messages.ts).
 */
import { yieldToEventLoop } from '../threads/background-thread.js';
import { parentPort, workerData } from 'node:worker_threads';
import type { ApibanOutcome } from '../apiban/client.js';
import { errorMessage, ExporterError } from '../errors.js';
import type { Logger } from '../log.js';
import { systemClock } from '../apiban/clock.js';
import { createSyncService, type SyncService } from '../sync/service.js';
import {
  publishedToMessage,
  type ErrorMessage,
  type FromWorker,
  type LogLevelName,
  type SyncWorkerData,
  type ToWorker,
} from './sync-messages.js';

yieldToEventLoop();

const port = parentPort;
if (port === null) throw new Error('sync-worker.js runs as a worker thread only');

const post = (message: FromWorker, transfer: ArrayBuffer[] = []) => port.postMessage(message, transfer);

const LEVELS: readonly LogLevelName[] = ['trace', 'debug', 'info', 'warn', 'error', 'fatal'];

/** Each line goes to the event loop's logger (its level, format and redaction), with the child bindings made here. */
function forwardingLogger(bindings: Record<string, unknown>[] = []): Logger {
  const method =
    (level: LogLevelName) =>
    (...args: unknown[]) => {
      try {
        post({ kind: 'log', bindings, level, args });
      } catch {
        // A field postMessage cannot copy: send the line as text.
        post({ kind: 'log', bindings, level, args: args.map((arg) => (typeof arg === 'string' ? arg : String(arg))) });
      }
    };
  const logger = Object.fromEntries(LEVELS.map((level) => [level, method(level)]));
  return { ...logger, child: (more: Record<string, unknown>) => forwardingLogger([...bindings, more]) } as Logger;
}

function errorOf(error: unknown): ErrorMessage {
  return { message: errorMessage(error), exitCode: error instanceof ExporterError ? error.exitCode : undefined };
}

const running = new Map<number, AbortController>();

async function runSync(service: SyncService, id: number, full: boolean | undefined): Promise<void> {
  const controller = new AbortController();
  running.set(id, controller);
  try {
    const report = await service.sync({ full, signal: controller.signal });
    const { message, transfer } = publishedToMessage(report.published);
    post({ kind: 'report', id, report: { ...report, published: message } }, transfer);
  } catch (error) {
    post({ kind: 'sync-failed', id, error: errorOf(error) });
  } finally {
    running.delete(id);
  }
}

async function main(): Promise<void> {
  const { loaded } = workerData as SyncWorkerData;
  let service: SyncService;
  try {
    const hooks = { onApibanRequest: (outcome: ApibanOutcome) => post({ kind: 'apiban', outcome }) };
    // The event loop holds the state lock for this thread (sync-thread.ts).
    service = await createSyncService(loaded, forwardingLogger(), hooks, systemClock, { lockHeld: true });
  } catch (error) {
    post({ kind: 'start-failed', error: errorOf(error) });
    return;
  }
  port?.on('message', (message: ToWorker) => {
    if (message.kind === 'sync') void runSync(service, message.id, message.full);
    else if (message.kind === 'abort') running.get(message.id)?.abort();
    else void service.close().finally(() => post({ kind: 'closed' }));
  });
  const { message, transfer } = publishedToMessage(service.current());
  post({ kind: 'ready', current: message }, transfer);
}

void main();
