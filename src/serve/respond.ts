/**
 * Writing responses. Pre-built resources go out as they are (no per-request work beyond picking
 * the representation); status answers are short text bodies that never echo the request, so
 * nothing a client sends (a wrong token, a path) is reflected or logged.
 */
import type { IncomingMessage, OutgoingHttpHeaders, ServerResponse } from 'node:http';
import { acceptsGzip, isNotModified } from './conditional.js';
import type { Resource } from './content.js';

/** Sent with every list: clients must revalidate each poll, which costs one 304 when unchanged. */
const CACHE_CONTROL = 'no-cache';

/** writeHead's flat [name, value, ...] form: node writes it as it is, without walking an object. */
type HeaderList = (string | number)[];

interface PreparedHeaders {
  ok: HeaderList;
  okGzip: HeaderList;
  notModified: HeaderList;
  notModifiedGzip: HeaderList;
}

/** Per resource, built on its first request: a request then allocates no header object. */
const prepared = new WeakMap<Resource, PreparedHeaders>();

function prepareHeaders(resource: Resource): PreparedHeaders {
  const validators = (etag: string): HeaderList => [
    'cache-control',
    CACHE_CONTROL,
    'etag',
    etag,
    'last-modified',
    resource.lastModified,
    'vary',
    'Accept-Encoding',
  ];
  const body = (bytes: Buffer): HeaderList => [
    'content-type',
    resource.contentType,
    'content-length',
    bytes.length,
    'x-content-type-options',
    'nosniff',
  ];
  const headers = {
    ok: [...validators(resource.etag), ...body(resource.identity)],
    okGzip: [...validators(resource.gzipEtag), ...body(resource.gzip), 'content-encoding', 'gzip'],
    notModified: validators(resource.etag),
    notModifiedGzip: validators(resource.gzipEtag),
  };
  prepared.set(resource, headers);
  return headers;
}

/** Sends a resource (200, or 304 when the client's validators match); returns body bytes sent. */
export function sendResource(req: IncomingMessage, res: ServerResponse, resource: Resource): number {
  const gzip = acceptsGzip(req.headers['accept-encoding']);
  const headers = prepared.get(resource) ?? prepareHeaders(resource);
  if (isNotModified(req.headers, resource)) {
    res.writeHead(304, gzip ? headers.notModifiedGzip : headers.notModified);
    res.end();
    return 0;
  }
  res.writeHead(200, gzip ? headers.okGzip : headers.ok);
  if (req.method === 'HEAD') {
    res.end();
    return 0;
  }
  const body = gzip ? resource.gzip : resource.identity;
  res.end(body);
  return body.length;
}

const STATUS_TEXT: Record<number, string> = {
  400: 'bad request',
  401: 'authentication required',
  403: 'forbidden',
  404: 'not found',
  405: 'method not allowed',
  413: 'request body too large',
  500: 'internal error',
  503: 'no list yet: the first sync has not completed',
};

/** A short plain-text status answer; `detail` must not contain anything the client sent. */
export function sendStatus(
  req: IncomingMessage,
  res: ServerResponse,
  status: number,
  headers: OutgoingHttpHeaders = {},
  detail?: string,
): void {
  const body = `${detail ?? STATUS_TEXT[status] ?? 'error'}\n`;
  sendBody(req, res, status, body, { 'content-type': 'text/plain; charset=utf-8', 'cache-control': 'no-store', ...headers });
}

export function sendJson(
  req: IncomingMessage,
  res: ServerResponse,
  status: number,
  value: unknown,
  headers: OutgoingHttpHeaders = {},
): number {
  return sendBody(req, res, status, JSON.stringify(value), { 'content-type': 'application/json', 'cache-control': 'no-store', ...headers });
}

export function sendBody(req: IncomingMessage, res: ServerResponse, status: number, body: string, headers: OutgoingHttpHeaders): number {
  const bytes = Buffer.from(body, 'utf8');
  res.writeHead(status, { ...headers, 'content-length': bytes.length });
  res.end(req.method === 'HEAD' ? undefined : bytes);
  return req.method === 'HEAD' ? 0 : bytes.length;
}
