/**
 * The APIBAN-compatible mirror (off by default): the Kamailio and OpenSIPS routes, the official
 * clients and scripts that speak APIBAN can poll this relay instead of each spending the key's
 * 11-requests-per-2-minutes budget. Envelopes and status codes are APIBAN's (apiban.org/doc.html):
 *
 *   GET  /api/<token>/banned[/<ID>]    GET  /api/<token>/check/<ip>
 *   POST /api/get   {"set","id"}       POST /api/check {"set","ipaddress"}   (Authorization: Bearer)
 *
 * page 200 {"ipaddress":[...],"ID":"<cursor>"}; caught up 400 {"ipaddress":["no new bans"],"ID":"none"};
 * listed 200 {"ipaddress":["<ip>"],"ID":"<id>"}; not listed 400 {"ipaddress":["not blocked"],"ID":"none"};
 * wrong token 403 {"ipaddress":"none","ID":"unauthorized"}. The relay holds the one set it syncs
 * (apiban.set): v2's `set` (sip when omitted, as APIBAN reads it; v1 has no set and means sip)
 * must name it, any other set is 400 with APIBAN's `"ID":"none"` envelope, so a client never
 * takes one set for another.
 */
import type { IncomingMessage, ServerResponse } from 'node:http';
import { tryParsePrefix } from '../../banset/address.js';
import { matchesDigest } from '../http/access.js';
import { listedId, pageAfter } from './index-pages.js';
import { sendJson, sendStatus } from '../http/respond.js';
import type { ServeView } from '../served-state.js';

const UNAUTHORIZED = { ipaddress: 'none', ID: 'unauthorized' };
const CAUGHT_UP = { ipaddress: ['no new bans'], ID: 'none' };
const NOT_BLOCKED = { ipaddress: ['not blocked'], ID: 'none' };
const OTHER_SET = { ipaddress: ['set not held by this mirror'], ID: 'none' };
const MAX_BODY = 4096;

interface MirrorCall {
  token: string | undefined;
  action: 'banned' | 'check';
  argument: string | undefined;
  set: string;
}

/** Answers one /api/ request; returns the status code sent (for metrics). */
export async function handleMirror(
  req: IncomingMessage,
  res: ServerResponse,
  path: string,
  view: ServeView,
  retryAfter: number,
): Promise<number> {
  const call = req.method === 'POST' ? await readV2Call(req, path) : readV1Call(req.method, path);
  if (call === undefined) return reply(req, res, 404, undefined);
  if (call === 'bad-request') return reply(req, res, 400, { ipaddress: 'invalid request', ID: 'none' });
  if (!tokenMatches(call.token, view.site.mirrorTokens ?? [])) return reply(req, res, 403, UNAUTHORIZED);
  if (call.set !== view.site.mirrorSet) return reply(req, res, 400, OTHER_SET);
  if (view.snapshot === undefined || view.mirror === undefined) {
    sendStatus(req, res, 503, { 'retry-after': String(retryAfter) });
    return 503;
  }
  if (call.action === 'banned') {
    const page = pageAfter(view.mirror, call.argument);
    return page === undefined ? reply(req, res, 400, CAUGHT_UP) : reply(req, res, 200, { ipaddress: page.ips, ID: page.id });
  }
  const prefix = tryParsePrefix(call.argument ?? '');
  const id = typeof prefix === 'string' ? undefined : listedId(view.mirror, prefix);
  return id === undefined ? reply(req, res, 400, NOT_BLOCKED) : reply(req, res, 200, { ipaddress: [call.argument], ID: String(id) });
}

function reply(req: IncomingMessage, res: ServerResponse, status: number, body: unknown): number {
  if (body === undefined) sendStatus(req, res, status);
  else sendJson(req, res, status, body);
  return status;
}

/** v1: the key is the second path segment (never logged: the path is not logged anywhere). */
function readV1Call(method: string | undefined, path: string): MirrorCall | undefined {
  if (method !== 'GET' && method !== 'HEAD') return undefined;
  const match = /^\/api\/([^/]+)\/(banned|check)(?:\/([^/]+))?\/?$/.exec(path);
  if (match === null || (match[2] === 'check' && match[3] === undefined)) return undefined;
  return {
    token: decodeSegment(match[1]),
    action: match[2] as MirrorCall['action'],
    argument: match[3] && decodeSegment(match[3]),
    set: 'sip',
  };
}

async function readV2Call(req: IncomingMessage, path: string): Promise<MirrorCall | 'bad-request' | undefined> {
  const action = path === '/api/get' ? 'banned' : path === '/api/check' ? 'check' : undefined;
  if (action === undefined) return undefined;
  const auth = req.headers.authorization ?? '';
  const token = /^bearer\s+/i.test(auth) ? auth.replace(/^bearer\s+/i, '').trim() : undefined;
  const body = await readSmallJson(req);
  if (body === undefined) return 'bad-request';
  const argument = action === 'banned' ? body.id : body.ipaddress;
  const set = body.set ?? 'sip';
  if ((argument !== undefined && typeof argument !== 'string') || typeof set !== 'string') return 'bad-request';
  return { token, action, argument, set };
}

async function readSmallJson(req: IncomingMessage): Promise<Record<string, unknown> | undefined> {
  const chunks: Buffer[] = [];
  let size = 0;
  for await (const chunk of req as AsyncIterable<Buffer>) {
    size += chunk.length;
    if (size > MAX_BODY) return undefined;
    chunks.push(chunk);
  }
  try {
    const value: unknown = size === 0 ? {} : JSON.parse(Buffer.concat(chunks).toString('utf8'));
    return value !== null && typeof value === 'object' && !Array.isArray(value) ? (value as Record<string, unknown>) : undefined;
  } catch {
    return undefined;
  }
}

function decodeSegment(segment: string): string {
  try {
    return decodeURIComponent(segment);
  } catch {
    return segment;
  }
}

/** Every configured token is compared (no early exit), each in constant time. */
function tokenMatches(presented: string | undefined, tokens: readonly Buffer[]): boolean {
  if (presented === undefined) return false;
  let ok = false;
  for (const token of tokens) ok = matchesDigest(presented, token) || ok;
  return ok;
}
