/**
 * Request routing. A request picks up the current view once and is answered from it alone:
 * outputs (and their sidecars) from the snapshot's pre-built bytes, /healthz and /metrics from
 * the daemon's state, /api/ from the mirror. Rendering never happens here, except the first
 * request of a query variant, which builds it once for the whole snapshot.
 */
import type { IncomingMessage, OutgoingHttpHeaders, ServerResponse } from 'node:http';
import type { FamilyFilter } from '../banset/banset.js';
import { errorMessage } from '../errors.js';
import type { Logger } from '../log.js';
import { checkAccess, hidesPath, type AccessRule } from './http/access.js';
import { buildHealth } from './http/health.js';
import type { ServeMetrics } from './http/metrics.js';
import { handleMirror } from './mirror/route.js';
import type { Resource } from './http/content.js';
import { sendBody, sendJson, sendResource, sendStatus } from './http/respond.js';
import type { Route } from './site.js';
import { DEFAULT_QUERY, type VariantQuery, type Variant } from './outputs/snapshot.js';
import type { ServedState, ServeView } from './served-state.js';
import type { StatusPage } from './status/page.js';

export type RequestHandler = (req: IncomingMessage, res: ServerResponse) => void;

export function createRequestHandler(state: ServedState, metrics: ServeMetrics, log: Logger, status?: StatusPage): RequestHandler {
  const fail = (req: IncomingMessage, res: ServerResponse, error: unknown) => {
    log.error({ err: errorMessage(error) }, 'request failed');
    if (!res.headersSent) sendStatus(req, res, 500);
    else res.destroy();
  };
  const fetches = status?.fetches;
  const recordOutput: OutputRecorder = (req, output, code, bodyBytes) => {
    metrics.recordRequest(output, code, bodyBytes);
    fetches?.record(output, code, req.socket.remoteAddress);
  };
  // A list request whose variant is built is answered synchronously: no promise per request.
  return (req, res) => {
    try {
      handle(req, res, state, metrics, recordOutput, status)?.catch((error: unknown) => fail(req, res, error));
    } catch (error) {
      fail(req, res, error);
    }
  };
}

/** Each answer to a request for an output: counted on /metrics, and who asked, for the status page (fetch-log.ts). */
type OutputRecorder = (req: IncomingMessage, output: string, code: number, bodyBytes: number) => void;

/** The parts of a request URL the routes need (a path token is the first segment of a token-protected path). */
interface RequestUrl {
  path: string;
  pathToken?: string;
  query: string;
}

function splitUrl(url: string): RequestUrl | undefined {
  const mark = url.indexOf('?');
  let path = mark < 0 ? url : url.slice(0, mark);
  const query = mark < 0 ? '' : url.slice(mark + 1);
  if (!path.startsWith('/t/')) return { path, query };
  const slash = path.indexOf('/', 3);
  if (slash < 0) return undefined;
  const pathToken = path.slice(3, slash);
  path = path.slice(slash);
  return { path, pathToken, query };
}

function handle(
  req: IncomingMessage,
  res: ServerResponse,
  state: ServedState,
  metrics: ServeMetrics,
  recordOutput: OutputRecorder,
  status?: StatusPage,
): Promise<void> | void {
  const view = state.view;
  const requested = splitUrl(req.url ?? '/');
  const route = requested === undefined ? undefined : view.site.routes.get(requested.path);
  if (route !== undefined) return serveOutput(req, res, view, route, requested as RequestUrl, recordOutput);
  if (requested?.path === '/healthz' || requested?.path === '/metrics') return serveAdmin(req, res, state, requested, metrics);
  if (status !== undefined && (requested?.path === '/' || requested?.path === '/status.json')) {
    return status.serve(req, res, requested.path, requested.pathToken).then((code) => metrics.recordRequest('_status', code, 0));
  }
  if (requested?.path.startsWith('/api/') && requested.pathToken === undefined && view.site.mirrorTokens !== undefined) {
    return handleMirror(req, res, requested.path, view, view.site.retryAfterSeconds).then((code) =>
      metrics.recordRequest('_mirror', code, 0),
    );
  }
  sendStatus(req, res, 404);
  metrics.recordRequest('_unknown', 404, 0);
}

/** The facts access and method checks read. */
interface RequestFacts {
  method: string | undefined;
  remoteAddress: string | undefined;
  authorization: string | undefined;
}

function factsOf(req: IncomingMessage): RequestFacts {
  return { method: req.method, remoteAddress: req.socket.remoteAddress, authorization: req.headers.authorization };
}

/** A short status answer instead of the resource. */
interface Refusal {
  status: number;
  headers?: OutgoingHttpHeaders;
  detail?: string;
}

/** What a request for an output gets: a built resource, a refusal, or a variant still being built. */
type Answer = { resource: Resource } | Refusal;
type OutputOutcome = Answer | { pending: Promise<Variant> };

/** Method and access: a refusal when the request must stop here. */
function refusal(rule: AccessRule, requested: RequestUrl, facts: RequestFacts): Refusal | undefined {
  if (hidesPath(rule, requested.pathToken)) return { status: 404 };
  if (facts.method !== 'GET' && facts.method !== 'HEAD') return { status: 405, headers: { allow: 'GET, HEAD' } };
  const { remoteAddress, authorization } = facts;
  const decision = checkAccess(rule, { remoteAddress, authorization, pathToken: requested.pathToken });
  if (decision.ok) return undefined;
  return { status: decision.status, headers: decision.challenge === undefined ? {} : { 'www-authenticate': decision.challenge } };
}

function resolveOutput(view: ServeView, route: Route, requested: RequestUrl, facts: RequestFacts): OutputOutcome {
  const refused = refusal(route.output.access, requested, facts);
  if (refused !== undefined) return refused;
  if (view.snapshot === undefined) return { status: 503, headers: { 'retry-after': String(view.site.retryAfterSeconds) } };
  const query = parseQuery(requested.query);
  if (query === undefined) return { status: 400, detail: 'ipv4only and ipv6only exclude each other' };
  const variant = view.snapshot.variant(route.output, query);
  return variant instanceof Promise ? { pending: variant } : resourceOf(route, variant);
}

function resourceOf(route: Route, variant: Variant): Answer {
  const resource = route.sidecar === undefined ? variant.main : variant.sidecars.get(route.sidecar);
  return resource === undefined ? { status: 404 } : { resource };
}

function serveOutput(
  req: IncomingMessage,
  res: ServerResponse,
  view: ServeView,
  route: Route,
  requested: RequestUrl,
  record: OutputRecorder,
): Promise<void> | void {
  const outcome = resolveOutput(view, route, requested, factsOf(req));
  if ('pending' in outcome) return outcome.pending.then((variant) => sendOutcome(req, res, route, resourceOf(route, variant), record));
  sendOutcome(req, res, route, outcome, record);
}

function sendOutcome(req: IncomingMessage, res: ServerResponse, route: Route, outcome: Answer, record: OutputRecorder): void {
  if ('resource' in outcome) {
    const bytes = sendResource(req, res, outcome.resource);
    record(req, route.output.name, res.statusCode, bytes);
  } else {
    sendStatus(req, res, outcome.status, outcome.headers, outcome.detail);
    record(req, route.output.name, outcome.status, 0);
  }
}

/** `?ipv4only`, `?ipv6only`, `?aggregate` (`aggregate=0`/`false` turns it off); other keys are ignored. */
export function parseQuery(query: string): VariantQuery | undefined {
  if (query === '') return DEFAULT_QUERY;
  let families: FamilyFilter = 'both';
  let aggregate: boolean | undefined;
  let v4 = false;
  let v6 = false;
  for (const pair of query.split('&')) {
    const [key, value] = pair.split('=', 2);
    if (key === 'ipv4only') v4 = true;
    else if (key === 'ipv6only') v6 = true;
    else if (key === 'aggregate') aggregate = value !== '0' && value !== 'false';
  }
  if (v4 && v6) return undefined;
  if (v4) families = 'v4';
  if (v6) families = 'v6';
  return { families, aggregate };
}

async function serveAdmin(
  req: IncomingMessage,
  res: ServerResponse,
  state: ServedState,
  requested: RequestUrl,
  metrics: ServeMetrics,
): Promise<void> {
  const label = requested.path === '/healthz' ? '_healthz' : '_metrics';
  const refused = refusal(state.view.site.admin, requested, factsOf(req));
  if (refused !== undefined) {
    sendStatus(req, res, refused.status, refused.headers);
    return metrics.recordRequest(label, refused.status, 0);
  }
  if (label === '_healthz') {
    const { status, report } = buildHealth(state.latestSet, state.lastSync, state.view.site.maxAgeMs, state.now(), state.lastReload);
    return metrics.recordRequest(label, status, sendJson(req, res, status, report));
  }
  const { contentType, body } = await metrics.render();
  metrics.recordRequest(label, 200, sendBody(req, res, 200, body, { 'content-type': contentType, 'cache-control': 'no-store' }));
}
