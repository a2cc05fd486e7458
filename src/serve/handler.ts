/**
 * Request routing. A request picks up the current view once and is answered from it alone:
 * outputs (and their sidecars) from the snapshot's pre-built bytes, /healthz and /metrics from
 * the daemon's state, /api/ from the mirror. Rendering never happens here, except the first
 * request of a query variant, which builds it once for the whole snapshot.
 */
import type { IncomingMessage, ServerResponse } from 'node:http';
import type { FamilyFilter } from '../banset/banset.js';
import { errorMessage } from '../errors.js';
import type { Logger } from '../log.js';
import { checkAccess, hidesPath, type AccessRule } from './access.js';
import { buildHealth } from './health.js';
import type { ServeMetrics } from './metrics.js';
import { handleMirror } from './mirror.js';
import { sendBody, sendJson, sendResource, sendStatus } from './respond.js';
import type { Route } from './site.js';
import { DEFAULT_QUERY, type VariantQuery, type Variant } from './output-snapshot.js';
import type { ServeState, ServeView } from './served-view.js';
import type { StatusPage } from './status.js';

export type RequestHandler = (req: IncomingMessage, res: ServerResponse) => void;

export function createRequestHandler(state: ServeState, metrics: ServeMetrics, log: Logger, status?: StatusPage): RequestHandler {
  const fail = (req: IncomingMessage, res: ServerResponse, error: unknown) => {
    log.error({ err: errorMessage(error) }, 'request failed');
    if (!res.headersSent) sendStatus(req, res, 500);
    else res.destroy();
  };
  // A list request whose variant is built is answered synchronously: no promise per request.
  return (req, res) => {
    try {
      handle(req, res, state, metrics, status)?.catch((error: unknown) => fail(req, res, error));
    } catch (error) {
      fail(req, res, error);
    }
  };
}

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
  state: ServeState,
  metrics: ServeMetrics,
  status?: StatusPage,
): Promise<void> | void {
  const view = state.view;
  const requested = splitUrl(req.url ?? '/');
  const route = requested === undefined ? undefined : view.site.routes.get(requested.path);
  if (route !== undefined) return serveOutput(req, res, view, route, requested as RequestUrl, metrics);
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

/** Checks method and access; answers and returns false when the request must stop here. */
function admit(req: IncomingMessage, res: ServerResponse, rule: AccessRule, requested: RequestUrl): boolean {
  if (hidesPath(rule, requested.pathToken)) {
    sendStatus(req, res, 404);
    return false;
  }
  if (req.method !== 'GET' && req.method !== 'HEAD') {
    sendStatus(req, res, 405, { allow: 'GET, HEAD' });
    return false;
  }
  const decision = checkAccess(rule, {
    remoteAddress: req.socket.remoteAddress,
    authorization: req.headers.authorization,
    pathToken: requested.pathToken,
  });
  if (decision.ok) return true;
  sendStatus(req, res, decision.status, decision.challenge === undefined ? {} : { 'www-authenticate': decision.challenge });
  return false;
}

function serveOutput(
  req: IncomingMessage,
  res: ServerResponse,
  view: ServeView,
  route: Route,
  requested: RequestUrl,
  metrics: ServeMetrics,
): Promise<void> | void {
  const name = route.output.name;
  if (!admit(req, res, route.output.access, requested)) return metrics.recordRequest(name, res.statusCode, 0);
  if (view.snapshot === undefined) {
    sendStatus(req, res, 503, { 'retry-after': String(view.site.retryAfterSeconds) });
    return metrics.recordRequest(name, 503, 0);
  }
  const query = parseQuery(requested.query);
  if (query === undefined) {
    sendStatus(req, res, 400, {}, 'ipv4only and ipv6only exclude each other');
    return metrics.recordRequest(name, 400, 0);
  }
  const pending = view.snapshot.variant(route.output, query);
  if (pending instanceof Promise) return pending.then((variant) => sendVariant(req, res, route, variant, metrics));
  sendVariant(req, res, route, pending, metrics);
}

function sendVariant(req: IncomingMessage, res: ServerResponse, route: Route, variant: Variant, metrics: ServeMetrics): void {
  const name = route.output.name;
  const resource = route.sidecar === undefined ? variant.main : variant.sidecars.get(route.sidecar);
  if (resource === undefined) {
    sendStatus(req, res, 404);
    metrics.recordRequest(name, 404, 0);
    return;
  }
  const bytes = sendResource(req, res, resource);
  metrics.recordRequest(name, res.statusCode, bytes);
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
  state: ServeState,
  requested: RequestUrl,
  metrics: ServeMetrics,
): Promise<void> {
  const label = requested.path === '/healthz' ? '_healthz' : '_metrics';
  if (!admit(req, res, state.view.site.admin, requested)) return metrics.recordRequest(label, res.statusCode, 0);
  if (label === '_healthz') {
    const { status, report } = buildHealth(state.latestSet, state.lastSync, state.view.site.maxAgeMs, state.now(), state.lastReload);
    return metrics.recordRequest(label, status, sendJson(req, res, status, report));
  }
  const { contentType, body } = await metrics.render();
  metrics.recordRequest(label, 200, sendBody(req, res, 200, body, { 'content-type': contentType, 'cache-control': 'no-store' }));
}
