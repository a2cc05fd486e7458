/**
 * A fake APIBAN server on 127.0.0.1 (port 0) that answers as https://apiban.org/doc.html describes,
 * for the sync, serve, push and bench tests. Both generations:
 *   v2  POST /api/get   {"set","id"}        POST /api/check {"set","ipaddress"}   Bearer key
 *   v1  GET  /api/KEY/banned[/ID]           GET  /api/KEY/check/IP
 * Addresses are listed oldest first with unique Unix-timestamp IDs, 250 per page; cursor "100"
 * (or none on v1) starts from the beginning; past the newest ID the answer is 400 {"ID":"none"}.
 * A wrong key gets 403 with a string `ipaddress`; a real sliding window answers 429.
 *
 *   const fake = await startFakeApiban({ addresses: ['192.0.2.1'], limit: { requests: 3, windowMs: 300 } });
 *   fake.url            // origin, for apiban.baseUrl
 *   fake.add(['192.0.2.2'])            // newer timestamps: the next incremental sync sees them
 *   fake.remove(['192.0.2.1'])         // gone from the next full download
 *   fake.fail('5xx', 2)                // the next two accepted requests answer 503
 *   fake.onRequest = async (r) => {}   // runs before each answer (kill a client mid-sync here)
 *   fake.requests                      // what was asked, with status, cursor and Authorization
 *   await fake.close()
 * Entries are sent as given, so tests add hostile strings ("192.0.2.1\nend") with add().
 */
import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';

export const FAKE_APIBAN_KEY = 'fake-key-7f3a9c1e5b';
const FIRST_TIMESTAMP = 1_698_000_000;

export type FakeFault =
  | '5xx'
  | '404'
  | 'rate-limit'
  | 'malformed'
  | 'wrong-shape'
  | 'truncated'
  | 'huge'
  | 'huge-chunked'
  | 'caught-up-string'
  | 'bad-id'
  | 'stall'
  | 'stuck';

export interface FakeApibanOptions {
  key?: string;
  addresses?: readonly string[];
  /** Sliding window per key; omit for no limit. */
  limit?: { requests: number; windowMs: number };
  pageSize?: number;
  /** Send `Retry-After: <seconds>` with every 429. */
  retryAfterSeconds?: number;
  /** The clock of request times and the window (default real time): the client's, when a test moves time. */
  now?: () => number;
}

export interface RecordedRequest {
  time: number;
  method: string;
  /** Raw path (holds the key on v1). */
  path: string;
  version: 'v1' | 'v2' | 'unknown';
  operation: 'get' | 'check' | 'unknown';
  cursor?: string | undefined;
  ip?: string | undefined;
  set?: string | undefined;
  /** The Authorization header on v2; the key from the URL path on v1. */
  authorization?: string | undefined;
  /** The status sent; 0 when a transport fault (see `fault`) replaced the answer. */
  status: number;
  fault?: FakeFault;
}

export interface FakeApiban {
  readonly url: string;
  readonly key: string;
  readonly requests: RecordedRequest[];
  /** IDs handed out so far (the newest is the "caught up" point). */
  readonly newestId: string;
  /** Lists addresses under new, newer timestamps; returns the newest ID. */
  add(addresses: readonly string[]): string;
  /** Delists addresses (APIBAN drops them 7 days after they were last seen). */
  remove(addresses: readonly string[]): void;
  /** The next `times` accepted requests (default: all until heal()) answer with `fault`. */
  fail(fault: FakeFault, times?: number): void;
  heal(): void;
  setLimit(limit: { requests: number; windowMs: number } | undefined): void;
  onRequest?: ((request: RecordedRequest) => void | Promise<void>) | undefined;
  /** Requests of one operation that got a page (status 200). */
  pages(): RecordedRequest[];
  close(): Promise<void>;
}

interface Listing {
  address: string;
  id: number;
}

export async function startFakeApiban(options: FakeApibanOptions = {}): Promise<FakeApiban> {
  const state = new FakeState(options);
  const server = createServer((req, res) => {
    void state.handle(req, res);
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  return state.api(`http://127.0.0.1:${port}`, server);
}

class FakeState {
  readonly key: string;
  readonly listings: Listing[] = [];
  readonly requests: RecordedRequest[] = [];
  private lastId = FIRST_TIMESTAMP;
  private fault: { fault: FakeFault; remaining: number } | undefined;
  private limit: { requests: number; windowMs: number } | undefined;
  private accepted: number[] = [];
  onRequest?: ((request: RecordedRequest) => void | Promise<void>) | undefined;

  constructor(private readonly options: FakeApibanOptions) {
    this.key = options.key ?? FAKE_APIBAN_KEY;
    this.limit = options.limit;
    this.add(options.addresses ?? []);
  }

  add(addresses: readonly string[]): string {
    for (const address of addresses) this.listings.push({ address, id: ++this.lastId });
    return String(this.lastId);
  }

  api(url: string, server: Server): FakeApiban {
    const self = this;
    return {
      url,
      key: this.key,
      requests: this.requests,
      get newestId() {
        return String(self.lastId);
      },
      add: (addresses) => this.add(addresses),
      remove: (addresses) => {
        const gone = new Set(addresses);
        const kept = this.listings.filter((l) => !gone.has(l.address));
        this.listings.splice(0, this.listings.length, ...kept);
      },
      fail: (fault, times = Number.POSITIVE_INFINITY) => {
        this.fault = { fault, remaining: times };
      },
      heal: () => {
        this.fault = undefined;
      },
      setLimit: (limit) => {
        this.limit = limit;
        this.accepted = [];
      },
      set onRequest(hook) {
        self.onRequest = hook;
      },
      get onRequest() {
        return self.onRequest;
      },
      pages: () => this.requests.filter((r) => r.operation === 'get' && r.status === 200 && r.fault === undefined),
      close: () =>
        new Promise<void>((resolve) => {
          server.closeAllConnections();
          server.close(() => resolve());
        }),
    };
  }

  async handle(req: IncomingMessage, res: ServerResponse): Promise<void> {
    const body = await readBody(req);
    const record = this.parseRequest(req, body);
    this.requests.push(record);
    const answer = this.decide(record);
    record.status = answer.status;
    await this.onRequest?.(record);
    if (res.destroyed) return;
    if (record.fault !== undefined && answer.status === 0) return this.sendFault(record.fault, res);
    send(res, answer.status, answer.body, answer.headers);
  }

  private parseRequest(req: IncomingMessage, body: string): RecordedRequest {
    const path = req.url ?? '/';
    const base: RecordedRequest = {
      time: (this.options.now ?? Date.now)(),
      method: req.method ?? 'GET',
      path,
      version: 'unknown',
      operation: 'unknown',
      status: 0,
    };
    if (typeof req.headers.authorization === 'string') base.authorization = req.headers.authorization;
    const v1 = /^\/api\/([^/]+)\/(banned|check)(?:\/([^/]*))?$/.exec(path);
    if (v1 && req.method === 'GET') {
      const operation = v1[2] === 'banned' ? 'get' : 'check';
      const argument = v1[3] === undefined ? undefined : decodeURIComponent(v1[3]);
      return {
        ...base,
        version: 'v1',
        operation,
        [operation === 'get' ? 'cursor' : 'ip']: argument,
        authorization: decodeURIComponent(v1[1]),
      };
    }
    if ((path === '/api/get' || path === '/api/check') && req.method === 'POST') {
      const json = parseJson(body);
      const operation = path === '/api/get' ? 'get' : 'check';
      return { ...base, version: 'v2', operation, cursor: json.id, ip: json.ipaddress, set: json.set };
    }
    return base;
  }

  /** Status 0 means "send the pending fault instead". */
  private decide(record: RecordedRequest): { status: number; body: unknown; headers?: Record<string, string> } {
    if (record.operation === 'unknown') return { status: 404, body: 'not found' };
    const keyOk = record.version === 'v1' ? record.authorization === this.key : record.authorization === `Bearer ${this.key}`;
    if (!keyOk) return { status: 403, body: { ipaddress: 'none', ID: 'unauthorized' } };
    if (!this.admit(record.time)) return this.rateLimited();
    if (this.fault !== undefined && this.fault.remaining > 0) {
      record.fault = this.fault.fault;
      if (--this.fault.remaining === 0) this.fault = undefined;
      if (record.fault === 'rate-limit') return this.rateLimited();
      if (record.fault === 'caught-up-string') return { status: 400, body: { ipaddress: 'no new bans', ID: 'none' } };
      // A server whose ID never moves on: the same cursor comes back with an empty page.
      if (record.fault === 'stuck')
        return { status: 200, body: { ipaddress: [], ID: record.cursor === undefined || record.cursor === '100' ? '1' : record.cursor } };
      return { status: 0, body: undefined };
    }
    return record.operation === 'get' ? this.page(record.cursor) : this.check(record.ip ?? '');
  }

  /** A real sliding window: requests answered 429 do not count against it. */
  private admit(now: number): boolean {
    if (this.limit === undefined) return true;
    const windowMs = this.limit.windowMs;
    this.accepted = this.accepted.filter((t) => t > now - windowMs);
    if (this.accepted.length >= this.limit.requests) return false;
    this.accepted.push(now);
    return true;
  }

  private rateLimited() {
    const headers: Record<string, string> =
      this.options.retryAfterSeconds === undefined ? {} : { 'retry-after': String(this.options.retryAfterSeconds) };
    return { status: 429, body: { ipaddress: 'rate limit exceeded', ID: 'unauthorized' }, headers };
  }

  private page(cursor: string | undefined) {
    const after = cursor === undefined || cursor === '100' ? 0 : Number(cursor);
    const start = Number.isFinite(after) ? this.listings.findIndex((l) => l.id > after) : -1;
    if (start < 0) return { status: 400, body: { ipaddress: ['no new bans'], ID: 'none' } };
    const page = this.listings.slice(start, start + (this.options.pageSize ?? 250));
    return { status: 200, body: { ipaddress: page.map((l) => l.address), ID: String(page[page.length - 1].id) } };
  }

  private check(ip: string) {
    const hit = [...this.listings].reverse().find((l) => l.address === ip);
    return hit
      ? { status: 200, body: { ipaddress: [ip], ID: String(hit.id) } }
      : { status: 400, body: { ipaddress: ['not blocked'], ID: 'none' } };
  }

  private sendFault(fault: FakeFault, res: ServerResponse): void {
    switch (fault) {
      case '5xx':
        send(res, 503, '<html>Service Unavailable</html>');
        return;
      case '404':
        send(res, 404, '<html>Not Found</html>');
        return;
      case 'malformed':
        send(res, 200, '{"ipaddress":["192.0.2.1",');
        return;
      case 'wrong-shape':
        send(res, 200, { addresses: ['192.0.2.1'], next: 5 });
        return;
      case 'bad-id':
        send(res, 200, { ipaddress: ['192.0.2.1'], ID: '../../etc/passwd' });
        return;
      case 'truncated':
        res.writeHead(200, { 'content-type': 'application/json', 'content-length': '4000' });
        res.write('{"ipaddress":["192.0.2.1","192.0.2.2"');
        setTimeout(() => res.destroy(), 20);
        return;
      case 'huge':
        send(res, 200, hugeBody());
        return;
      case 'huge-chunked':
        streamHugeBody(res);
        return;
      case 'stall':
        return;
      default:
        send(res, 500, 'unknown fault');
        return;
    }
  }
}

function hugeBody(): string {
  const item = '"192.0.2.1",';
  return `{"ipaddress":[${item.repeat(Math.ceil((10 * 1024 * 1024) / item.length))}"192.0.2.2"],"ID":"1"}`;
}

/** 10 MB without a Content-Length: the client must stop reading on its own. */
function streamHugeBody(res: ServerResponse): void {
  res.writeHead(200, { 'content-type': 'application/json' });
  const chunk = '"192.0.2.1",'.repeat(8192);
  let sent = 0;
  const pump = (): void => {
    while (sent < 10 * 1024 * 1024) {
      sent += chunk.length;
      if (res.destroyed) return;
      if (!res.write(chunk)) {
        res.once('drain', pump);
        return;
      }
    }
    res.end('"192.0.2.2"],"ID":"1"}');
  };
  res.write('{"ipaddress":[');
  res.on('error', () => undefined);
  pump();
}

function send(res: ServerResponse, status: number, body: unknown, headers: Record<string, string> = {}): void {
  const text = typeof body === 'string' ? body : JSON.stringify(body);
  res.writeHead(status, {
    'content-type': typeof body === 'string' ? 'text/html' : 'application/json',
    'content-length': String(Buffer.byteLength(text)),
    ...headers,
  });
  res.end(text);
}

function readBody(req: IncomingMessage): Promise<string> {
  return new Promise((resolve) => {
    let text = '';
    req.setEncoding('utf8');
    req.on('data', (chunk: string) => {
      text += chunk;
    });
    req.on('end', () => resolve(text));
    req.on('error', () => resolve(text));
  });
}

function parseJson(text: string): { id?: string | undefined; ipaddress?: string | undefined; set?: string | undefined } {
  try {
    const value = JSON.parse(text) as Record<string, unknown>;
    const pick = (k: string) => (typeof value[k] === 'string' ? (value[k] as string) : undefined);
    return { id: pick('id'), ipaddress: pick('ipaddress'), set: pick('set') };
  } catch {
    return {};
  }
}
