/**
 * Writing responses. Pre-built resources go out as they are (no per-request work beyond picking
 * the representation); status answers are short text bodies that never echo the request, so
 * nothing a client sends (a wrong token, a path) is reflected or logged.
 */
import type { IncomingHttpHeaders, IncomingMessage, OutgoingHttpHeaders, ServerResponse } from 'node:http';
import { acceptsGzip, isNotModified } from './conditional.js';
import type { Resource } from './content.js';

/** Sent with every list: clients must revalidate each poll, which costs one 304 when unchanged. */
const CACHE_CONTROL = 'no-cache';

/** writeHead's flat [name, value, ...] form: node writes it as it is, without walking an object. */
type HeaderList = (string | number)[];

/** One of a resource's four answers: status, header list and body, built once. */
interface Form {
  status: 200 | 304;
  headers: HeaderList;
  body: Buffer | undefined;
}

interface Forms {
  ok: Form;
  okGzip: Form;
  notModified: Form;
  notModifiedGzip: Form;
}

/** Per resource, built on its first request: a request then allocates no header object. */
const prepared = new WeakMap<Resource, Forms>();

function prepareForms(resource: Resource): Forms {
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
  const content = (bytes: Buffer): HeaderList => [
    'content-type',
    resource.contentType,
    'content-length',
    bytes.length,
    'x-content-type-options',
    'nosniff',
  ];
  const forms = {
    ok: form(200, [...validators(resource.etag), ...content(resource.identity)], resource.identity),
    okGzip: form(200, [...validators(resource.gzipEtag), ...content(resource.gzip), 'content-encoding', 'gzip'], resource.gzip),
    notModified: form(304, validators(resource.etag), undefined),
    notModifiedGzip: form(304, validators(resource.gzipEtag), undefined),
  };
  prepared.set(resource, forms);
  return forms;
}

function form(status: 200 | 304, headers: HeaderList, body: Buffer | undefined): Form {
  return { status, headers, body };
}

/** The validators and content coding a request sent. */
type ConditionalHeaders = Pick<IncomingHttpHeaders, 'if-none-match' | 'if-modified-since' | 'accept-encoding'>;

/** Which answer a request gets: 304 when the client's validators match, else 200; gzip when accepted. */
function formFor(headers: ConditionalHeaders, resource: Resource): Form {
  const gzip = acceptsGzip(headers['accept-encoding']);
  const forms = prepared.get(resource) ?? prepareForms(resource);
  if (isNotModified(headers, resource)) return gzip ? forms.notModifiedGzip : forms.notModified;
  return gzip ? forms.okGzip : forms.ok;
}

/** Sends a resource (200, or 304 when the client's validators match); returns body bytes sent. */
export function sendResource(req: IncomingMessage, res: ServerResponse, resource: Resource): number {
  const chosen = formFor(req.headers, resource);
  const body = req.method === 'HEAD' ? undefined : chosen.body;
  res.writeHead(chosen.status, chosen.headers);
  res.end(body);
  return body?.length ?? 0;
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
