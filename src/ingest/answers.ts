/**
 * Every answer of the endpoint, in iptables-api's JSON shape (go/iptables-api.go): success is 200
 * with {"success":"added"|"deleted"|"pushed"} or {"result":"ipv4 flushed. ipv6 flushed. "}; a
 * failure is {"error":"..."} (iptables-api sends every add/delete failure as 400). Statuses it never
 * needed (403 fenced, 404/405, 413, 429) keep the same {"error"} body, so a client that logs the
 * body shows the reason.
 */
export interface Answer {
  status: number;
  body: Record<string, string>;
  headers?: Record<string, string> | undefined;
}

const error = (status: number, message: string, headers?: Record<string, string>): Answer => ({
  status,
  body: { error: message },
  headers,
});

export const answers = {
  added: (): Answer => ({ status: 200, body: { success: 'added' } }),
  deleted: (): Answer => ({ status: 200, body: { success: 'deleted' } }),
  pushed: (): Answer => ({ status: 200, body: { success: 'pushed' } }),
  flushed: (): Answer => ({ status: 200, body: { result: 'ipv4 flushed. ipv6 flushed. ' } }),
  /** /puship of an address already banned: iptables-api answers this as a 400. */
  alreadyExists: (): Answer => error(400, 'ip already exists'),
  invalidAddress: (): Answer => error(400, 'only valid ip addresses supported'),
  missingAddress: (): Answer => error(400, 'ipaddress is missing. '),
  badRequest: (message: string): Answer => error(400, message),
  refused: (message: string): Answer => error(400, message),
  forbidden: (): Answer => error(403, 'forbidden'),
  notFound: (): Answer => error(404, 'unknown path'),
  methodNotAllowed: (allow: string): Answer => error(405, 'method not allowed', { allow }),
  tooLarge: (limit: number): Answer => error(413, `body larger than ${limit} bytes`),
  tooMany: (message: string): Answer => error(429, message, { 'retry-after': '1' }),
  notStored: (): Answer => error(500, 'the ban could not be stored; nothing changed'),
};
