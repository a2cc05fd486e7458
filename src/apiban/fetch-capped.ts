/**
 * One HTTP exchange with a hard cap on the body: a 250-entry APIBAN page is about 5 KB, so a
 * 10 MB answer is a broken or hostile server and is refused while streaming, never buffered.
 * Used by the APIBAN client and by URL list sources. Errors are plain `FetchError`s whose
 * `reason` lets callers decide between retrying and giving up; messages carry no URL.
 */
import type { Dispatcher } from 'undici';
import { errorCode, errorMessage } from '../errors.js';

export type FetchFailure = 'too-large' | 'truncated' | 'network' | 'timeout' | 'aborted';

export class FetchError extends Error {
  constructor(
    readonly reason: FetchFailure,
    message: string,
    options?: { cause?: unknown },
  ) {
    super(message, options);
  }
}

export interface CappedRequest {
  method: 'GET' | 'POST';
  path: string;
  headers?: Record<string, string> | undefined;
  body?: string | undefined;
  timeoutMs: number;
  maxBytes: number;
  signal?: AbortSignal | undefined;
}

export interface CappedResponse {
  status: number;
  headers: Record<string, string | string[] | undefined>;
  text: string;
}

export const DEFAULT_MAX_BODY_BYTES = 2 * 1024 * 1024;

export async function fetchCapped(dispatcher: Dispatcher, request: CappedRequest): Promise<CappedResponse> {
  let response: Dispatcher.ResponseData;
  try {
    response = await dispatcher.request({
      method: request.method,
      path: request.path,
      headers: request.headers ?? {},
      body: request.body ?? null,
      signal: request.signal ?? null,
      headersTimeout: request.timeoutMs,
      bodyTimeout: request.timeoutMs,
    });
  } catch (error) {
    throw toFetchError(error, request.signal);
  }
  const declared = Number(response.headers['content-length']);
  if (Number.isFinite(declared) && declared > request.maxBytes) {
    response.body.destroy();
    throw new FetchError('too-large', `response body of ${declared} bytes exceeds the ${request.maxBytes}-byte cap`);
  }
  return { status: response.statusCode, headers: response.headers, text: await readBody(response.body, request) };
}

async function readBody(body: Dispatcher.ResponseData['body'], request: CappedRequest): Promise<string> {
  const chunks: Buffer[] = [];
  let size = 0;
  try {
    for await (const chunk of body) {
      size += (chunk as Buffer).length;
      if (size > request.maxBytes) {
        body.destroy();
        throw new FetchError('too-large', `response body exceeds the ${request.maxBytes}-byte cap (more than ${size} bytes sent)`);
      }
      chunks.push(chunk as Buffer);
    }
  } catch (error) {
    if (error instanceof FetchError) throw error;
    const failure = toFetchError(error, request.signal);
    if (failure.reason !== 'network') throw failure;
    throw new FetchError('truncated', `response body cut off after ${size} bytes (${describe(error)})`, { cause: error });
  }
  return Buffer.concat(chunks).toString('utf8');
}

function toFetchError(error: unknown, signal?: AbortSignal): FetchError {
  if (signal?.aborted) return new FetchError('aborted', 'request aborted', { cause: error });
  const code = errorCode(error) ?? '';
  if (code === 'UND_ERR_HEADERS_TIMEOUT' || code === 'UND_ERR_BODY_TIMEOUT' || code === 'UND_ERR_CONNECT_TIMEOUT') {
    return new FetchError('timeout', `timed out (${code})`, { cause: error });
  }
  return new FetchError('network', describe(error), { cause: error });
}

/** The error's code and first line: undici messages hold no URL, but callers still redact. */
function describe(error: unknown): string {
  const code = errorCode(error);
  const first = errorMessage(error).split('\n')[0];
  return code && !first.includes(code) ? `${code}: ${first}` : first;
}
