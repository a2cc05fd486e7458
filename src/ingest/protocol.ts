/**
 * palner/iptables-api's HTTP API as this endpoint reads it (go/iptables-api.go, gorilla/mux routes in
 * main(); README.md "API Usage"): GET /addip|/blockip/<ip> add, GET /removeip|/unblockip/<ip> delete,
 * GET /puship/<ip> add unless present, GET /flushchain, and POST (PUT too, for clients that use it)
 * or DELETE on / with a JSON body {"ipaddress":"<ip>"}. A token may lead the path (/t/<token>/...),
 * since Kamailio's http_client_query is often given a bare URL. Pure: no state, no I/O.
 */
import { answers, type Answer } from './answers.js';

export type Verb = 'add' | 'remove' | 'push' | 'flush';

export interface EdgeCall {
  verb: Verb;
  /** The address as the path gave it; undefined for /flushchain and for body verbs (read from the body). */
  address?: string | undefined;
  fromBody: boolean;
  pathToken?: string | undefined;
  /** `?ttl=` as given. */
  ttl?: string | undefined;
}

const PATH_VERBS: Record<string, Verb> = { addip: 'add', blockip: 'add', removeip: 'remove', unblockip: 'remove', puship: 'push' };
const BODY_VERBS: Record<string, Verb> = { POST: 'add', PUT: 'add', DELETE: 'remove' };

/** The call a request line asks for, or the answer that refuses it. */
export function parseCall(method: string, url: string): EdgeCall | Answer {
  const queryAt = url.indexOf('?');
  let path = queryAt < 0 ? url : url.slice(0, queryAt);
  const query = new URLSearchParams(queryAt < 0 ? '' : url.slice(queryAt + 1));
  if (query.getAll('ttl').length > 1) return answers.badRequest('ttl given more than once');
  const ttl = query.get('ttl') ?? undefined;
  let pathToken: string | undefined;
  const tokenMatch = /^\/t\/([^/]+)(\/.*)?$/.exec(path);
  if (tokenMatch !== null) {
    pathToken = tokenMatch[1];
    path = tokenMatch[2] ?? '/';
  }
  if (path === '/') {
    const verb = BODY_VERBS[method];
    return verb === undefined ? answers.methodNotAllowed('POST, PUT, DELETE') : { verb, fromBody: true, pathToken, ttl };
  }
  if (path === '/flushchain')
    return method === 'GET' ? { verb: 'flush', fromBody: false, pathToken, ttl } : answers.methodNotAllowed('GET');
  const match = /^\/([a-z]+)\/([^/]+)$/.exec(path);
  const verb = match === null ? undefined : PATH_VERBS[match[1]];
  if (match === null || verb === undefined) return answers.notFound();
  if (method !== 'GET') return answers.methodNotAllowed('GET');
  let address: string;
  try {
    address = decodeURIComponent(match[2]);
  } catch {
    return answers.invalidAddress();
  }
  return { verb, address, fromBody: false, pathToken, ttl };
}

/** The address of a body verb: pgparse.ParseBody + LowerKeys + CheckFields in iptables-api, a JSON object here. */
export function addressFromBody(body: string): string | Answer {
  let parsed: unknown;
  try {
    parsed = JSON.parse(body);
  } catch {
    return answers.badRequest('body is not JSON (send {"ipaddress":"<ip>"})');
  }
  if (typeof parsed !== 'object' || parsed === null || Array.isArray(parsed)) return answers.badRequest('body is not a JSON object');
  const entry = Object.entries(parsed).find(([key]) => key.toLowerCase() === 'ipaddress');
  if (entry === undefined) return answers.missingAddress();
  return typeof entry[1] === 'string' ? entry[1] : answers.invalidAddress();
}

export function isAnswer(value: unknown): value is Answer {
  return typeof value === 'object' && value !== null && 'status' in value;
}
