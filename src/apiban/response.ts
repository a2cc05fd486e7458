/**
 * Classifies an APIBAN answer by status and body together (APIBAN API documentation, https://apiban.org/doc.html).
 * The body is always meant to be `{"ipaddress": ..., "ID": "..."}`, but `ipaddress` is an array
 * on success and sometimes a bare string on errors, and a 400 with `ID: "none"` means "caught
 * up" (or "not blocked" for a check), not failure. Pure: no I/O, no logging.
 */
export type ApibanOperation = 'get' | 'check';

export type Classified =
  | { kind: 'page'; entries: string[]; next: string }
  | { kind: 'caught-up' }
  | { kind: 'listed'; id: string }
  | { kind: 'not-listed' }
  | { kind: 'unauthorized' }
  | { kind: 'rate-limited' }
  | { kind: 'not-found' }
  | { kind: 'server-error'; status: number }
  | { kind: 'unexpected'; status: number; detail: string }
  | { kind: 'malformed'; detail: string };

interface ApibanBody {
  ipaddress: string | unknown[];
  ID: string;
}

/**
 * The cursor goes back into a JSON body (v2) or a URL path (v1): anything but a plain token is
 * refused, so a hostile mirror cannot steer the next request.
 */
const CURSOR = /^[A-Za-z0-9_.-]{1,64}$/;

/** A cursor that may be sent back to APIBAN (also what the state file may hold). */
export function isUsableCursor(value: unknown): boolean {
  return typeof value === 'string' && CURSOR.test(value) && value !== 'none';
}

export function classifyResponse(operation: ApibanOperation, status: number, text: string): Classified {
  if (status === 403) return { kind: 'unauthorized' };
  if (status === 429) return { kind: 'rate-limited' };
  if (status === 404) return { kind: 'not-found' };
  if (status >= 500 && status <= 599) return { kind: 'server-error', status };
  const body = parseBody(text);
  if (typeof body === 'string') return { kind: 'malformed', detail: `${status} ${body}` };
  if (status === 400 && body.ID === 'none') return operation === 'get' ? { kind: 'caught-up' } : { kind: 'not-listed' };
  if (status !== 200) return { kind: 'unexpected', status, detail: `ID ${JSON.stringify(body.ID.slice(0, 40))}` };
  if (!Array.isArray(body.ipaddress)) return { kind: 'malformed', detail: '200 with a non-array "ipaddress"' };
  if (!isUsableCursor(body.ID)) {
    return { kind: 'malformed', detail: `200 with an unusable ID ${JSON.stringify(body.ID.slice(0, 40))}` };
  }
  // Non-string items are kept as text so the strict parser counts and reports them as invalid.
  const entries = body.ipaddress.map((item) => (typeof item === 'string' ? item : (JSON.stringify(item) ?? String(item))));
  return operation === 'get' ? { kind: 'page', entries, next: body.ID } : { kind: 'listed', id: body.ID };
}

/** The body as `{ipaddress, ID}`, or a one-line reason why it is not. */
function parseBody(text: string): ApibanBody | string {
  let value: unknown;
  try {
    value = JSON.parse(text);
  } catch {
    return `body is not JSON (${text.length} bytes)`;
  }
  if (value === null || typeof value !== 'object' || Array.isArray(value)) return 'body is not a JSON object';
  const { ipaddress, ID } = value as Record<string, unknown>;
  if (typeof ipaddress !== 'string' && !Array.isArray(ipaddress)) return 'body has no "ipaddress" string or array';
  // Lenient: an ID sent as a number is still a timestamp.
  if (typeof ID !== 'string' && typeof ID !== 'number') return 'body has no "ID"';
  return { ipaddress, ID: String(ID) };
}
