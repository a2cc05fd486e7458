/**
 * The endpoint's own HTTP listener (never serve's: edge bans come in on their own address, like
 * iptables-api's 8082, so the URL tables are never exposed where bans are taken). Requests are
 * small: a body over 4 KiB is refused, a duplicated header that decides something is refused
 * (node:http would keep one copy silently), and slow clients are cut by the header and request
 * deadlines. Every answer is JSON, the way iptables-api answers.
 */
import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import { errorMessage } from '../errors.js';
import type { Logger } from '../log.js';
import { answers, type Answer } from './answers.js';
import type { EdgeRequest } from './service.js';

export const MAX_BODY_BYTES = 4096;
const SINGLE_HEADERS = ['authorization', 'content-length', 'content-type', 'host', 'transfer-encoding'];

export function createIngestListener(handle: (request: EdgeRequest) => Promise<Answer>, log: Logger): Server {
  const server = createServer({ headersTimeout: 5000, requestTimeout: 10_000, keepAliveTimeout: 5000 }, (req, res) => {
    answer(req, handle)
      .catch((error: unknown) => {
        log.error({ component: 'ingest', err: errorMessage(error) }, 'edge request failed');
        return answers.notStored();
      })
      .then((result) => send(res, result));
  });
  // A malformed request line or header never reaches the handler: answer it in the same JSON shape.
  server.on('clientError', (_error, socket) => {
    if (socket.writable) socket.end(rawAnswer(answers.badRequest('malformed HTTP request')));
    else socket.destroy();
  });
  return server;
}

async function answer(req: IncomingMessage, handle: (request: EdgeRequest) => Promise<Answer>): Promise<Answer> {
  const duplicated = SINGLE_HEADERS.find((name) => (req.headersDistinct[name]?.length ?? 0) > 1);
  if (duplicated !== undefined) return drained(req, answers.badRequest(`header ${duplicated} given more than once`));
  const body = await readBody(req);
  if (body === undefined) return answers.tooLarge(MAX_BODY_BYTES);
  return handle({
    method: req.method ?? 'GET',
    url: req.url ?? '/',
    remoteAddress: req.socket.remoteAddress,
    authorization: req.headers.authorization,
    body,
  });
}

/** The body as text, or undefined past MAX_BODY_BYTES (the rest is not read). */
function readBody(req: IncomingMessage): Promise<string | undefined> {
  return new Promise((resolve, reject) => {
    const chunks: Buffer[] = [];
    let size = 0;
    req.on('data', (chunk: Buffer) => {
      size += chunk.length;
      if (size > MAX_BODY_BYTES) {
        req.removeAllListeners('data');
        req.pause();
        resolve(undefined);
      } else chunks.push(chunk);
    });
    req.on('end', () => resolve(Buffer.concat(chunks).toString('utf8')));
    req.on('error', reject);
  });
}

function drained(req: IncomingMessage, result: Answer): Answer {
  req.resume();
  return result;
}

function send(res: ServerResponse, result: Answer): void {
  const body = `${JSON.stringify(result.body)}\n`;
  // A refused body was not read to its end: close the connection rather than parse the rest as a request.
  const close = result.status === 413 || result.status === 400 ? { connection: 'close' } : {};
  res.writeHead(result.status, { 'content-type': 'application/json', ...result.headers, ...close });
  res.end(body);
}

function rawAnswer(result: Answer): string {
  const body = `${JSON.stringify(result.body)}\n`;
  return `HTTP/1.1 ${result.status} Bad Request\r\ncontent-type: application/json\r\ncontent-length: ${Buffer.byteLength(body)}\r\nconnection: close\r\n\r\n${body}`;
}
