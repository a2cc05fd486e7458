/**
 * serve's own work per request, without sockets: a build (`<dist root>`, this build's or a
 * baseline's) answers 300,000 requests for /plain.txt (10k list, allowlist and metrics on) through
 * its node:http handler with stand-in request and response objects whose writeHead and end do
 * nothing. What is left is what serve adds for each response, the part this
 * project controls; unlike req/s under load it hardly depends on what else the machine runs.
 *
 * `node serve-handler-cost.js <dist root> 304|200` prints nanoseconds per request.
 */
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';

const REQUESTS = 300_000;

type Policy = typeof import('../src/banset/policy.js');
type Schema = typeof import('../test/helpers/config-schema.js');
type Log = typeof import('../src/log.js');
type Handler = typeof import('../src/serve/handler.js');
type Metrics = typeof import('../src/serve/http/metrics.js');
type Site = typeof import('../src/serve/site.js');
type View = typeof import('../src/serve/served-state.js');
type LoopRecordModule = typeof import('../src/runtime/loop-record.js');
type Generate = typeof import('./generate.js');

/** The first of `paths` the build at `root` has (a module moved since a baseline was built). */
async function load<T>(root: string, ...paths: string[]): Promise<T> {
  const [path, ...older] = paths;
  const loaded = import(pathToFileURL(join(root, path)).href) as Promise<T>;
  return older.length === 0 ? loaded : loaded.catch(() => load<T>(root, ...older));
}

async function handlerOf(root: string) {
  const { applyPolicy, DEFAULT_POLICY, parseEntries } = await load<Policy>(root, 'src/banset/policy.js');
  // Builds from before the lazy registries kept the full schema in src/config/schema.js.
  const { configSchema } = await load<Schema>(root, 'test/helpers/config-schema.js', 'src/config/schema.js');
  const { silentLogger } = await load<Log>(root, 'src/log.js');
  const { createRequestHandler } = await load<Handler>(root, 'src/serve/handler.js', 'src/serve/handler.js');
  const { ServeMetrics } = await load<Metrics>(root, 'src/serve/http/metrics.js', 'src/serve/metrics.js');
  const { resolveSite } = await load<Site>(root, 'src/serve/site.js');
  const { generateAddresses } = await load<Generate>(root, 'bench/generate.js');
  const { bans, report } = applyPolicy(parseEntries(generateAddresses(10_000), 'bench'), DEFAULT_POLICY);
  const config = configSchema.parse({ serve: { access: { allow: ['127.0.0.0/8', '::1/128'] } } });
  const state = await servedState(root, await resolveSite({ config, source: 'bench', stateDir: root }), silentLogger);
  await state.publish({ bans, report, syncedAt: new Date(), source: 'apiban' });
  const variant = await state.view.snapshot?.variant(state.view.site.outputs[0], { families: 'both' });
  const metrics = new ServeMetrics({ processMetrics: false });
  const handler = createRequestHandler(state, metrics, silentLogger);
  return { handler, etag: variant?.main.etag ?? '', close: () => state.close() };
}

/** The handler's state as the build at `root` makes it (builds before the runtime named it ServeState). */
async function servedState(
  root: string,
  site: Parameters<View['ServedState']['prototype']['reconfigure']>[0],
  log: import('../src/log.js').Logger,
) {
  try {
    const { ServedState } = await load<View>(root, 'src/serve/served-state.js');
    const { LoopRecord } = await load<LoopRecordModule>(root, 'src/runtime/loop-record.js');
    return new ServedState(site, new LoopRecord(), log);
  } catch {
    const { ServeState } = await load<{ ServeState: new (s: typeof site, l: typeof log) => InstanceType<View['ServedState']> }>(
      root,
      'src/serve/served-view.js',
    );
    return new ServeState(site, log);
  }
}

/** Stand-ins with only what the handler reads; a fresh request object per call, as node makes one. */
function standIns(headers: Record<string, string>) {
  const socket = { remoteAddress: '127.0.0.1' };
  const response = {
    statusCode: 200,
    headersSent: false,
    writeHead(status: number) {
      this.statusCode = status;
    },
    end() {},
    destroy() {},
  };
  const request = () => ({ url: '/plain.txt', method: 'GET', headers: { ...headers }, socket });
  return { request, response };
}

const [root, kind = '304'] = process.argv.slice(2);
const { handler, etag, close } = await handlerOf(root ?? '.');
const headers: Record<string, string> = kind === '304' ? { 'if-none-match': etag } : {};
const { request, response } = standIns(headers);
// The handler reads only these parts of node's objects: one cast lets it take the stand-ins.
const answer = handler as unknown as (req: ReturnType<typeof request>, res: typeof response) => void;
const run = () => {
  for (let i = 0; i < REQUESTS; i++) answer(request(), response);
};
run(); // warm-up: let the JIT settle first
const started = process.hrtime.bigint();
run();
const ns = Number(process.hrtime.bigint() - started) / REQUESTS;
if (response.statusCode !== Number(kind)) throw new Error(`expected ${kind}, the handler answered ${response.statusCode}`);
process.stdout.write(`${ns.toFixed(0)}\n`);
await close();
