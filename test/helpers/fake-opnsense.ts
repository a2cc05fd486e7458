/**
 * A fake OPNsense API on 127.0.0.1 (port 0) with the endpoints and answer shapes of
 * opnsense/core AliasController.php and AliasUtilController.php that opnsense-api uses:
 * get_alias_uuid ({uuid} or []), get_item (type as an option list), add_item ({result:"saved"}),
 * reconfigure, alias_util list (paged by POST current/rowCount), add/delete ({status:"done"},
 * "not_an_address" for characters outside [0-9a-f:./_], "failed" for unknown aliases).
 * Key/secret as HTTP Basic auth; anything else gets 401. Tables hold entries the way
 * `pfctl -T show` prints them: hosts without /32 or /128.
 */
import { randomUUID } from 'node:crypto';
import { createServer as createHttpServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import { createServer as createHttpsServer } from 'node:https';
import { closeServer, listenOnLoopback } from './listen.js';

export interface FakeAlias {
  uuid: string;
  type: string;
  entries: Set<string>;
}
export interface RecordedCall {
  method: string;
  path: string;
  body: unknown;
}

const TYPES = ['host', 'network', 'port', 'url', 'urltable', 'geoip', 'networkgroup', 'mac', 'dynipv6host', 'internal', 'external'];

export class FakeOpnsense {
  readonly aliases = new Map<string, FakeAlias>();
  readonly calls: RecordedCall[] = [];
  /** add/delete of this address answers {status:"failed"} (a device refusing one change). */
  rejectAddress: string | undefined;
  /** Every answer waits until this settles (timeout tests: the device answers only once the test lets it). */
  hold: Promise<void> | undefined;
  private server!: Server;
  port = 0;

  constructor(
    readonly key: string,
    readonly secret: string,
    private readonly tls?: { key: string; cert: string },
  ) {}

  async start(): Promise<this> {
    const handler = (req: IncomingMessage, res: ServerResponse) => void this.handle(req, res);
    this.server = this.tls ? createHttpsServer(this.tls, handler) : createHttpServer(handler);
    this.port = await listenOnLoopback(this.server);
    return this;
  }

  async stop(): Promise<void> {
    await closeServer(this.server);
  }

  addAlias(name: string, type: string, entries: string[] = []): FakeAlias {
    const alias = { uuid: randomUUID(), type, entries: new Set(entries.map(pfctlForm)) };
    this.aliases.set(name, alias);
    return alias;
  }

  /** Calls that change something (everything but reads). */
  changes(): RecordedCall[] {
    return this.calls.filter((c) => !/\/(get_alias_uuid|get_item|list)\//.test(c.path));
  }

  private async handle(req: IncomingMessage, res: ServerResponse): Promise<void> {
    const text = await readBody(req);
    await this.hold;
    const expected = `Basic ${Buffer.from(`${this.key}:${this.secret}`).toString('base64')}`;
    if (req.headers.authorization !== expected) return send(res, 401, { status: 401, message: 'Authentication Failed' });
    let body: Record<string, unknown> = {};
    try {
      body = text ? (JSON.parse(text) as Record<string, unknown>) : {};
    } catch {
      return send(res, 400, { message: 'invalid json' });
    }
    const path = req.url ?? '';
    this.calls.push({ method: req.method ?? '', path, body });
    const answer = this.route(req.method ?? 'GET', path.split('/').slice(1).map(decodeURIComponent), body);
    send(res, answer === undefined ? 404 : 200, answer ?? { errorMessage: 'Endpoint not found' });
  }

  private route(method: string, parts: string[], body: Record<string, unknown>): unknown {
    const [, , controller, action, arg] = parts;
    if (controller === 'alias') return this.aliasAction(method, action, arg, body);
    if (controller === 'alias_util') return this.utilAction(method, action, arg, body);
    return undefined;
  }

  private aliasAction(method: string, action: string, arg: string, body: Record<string, unknown>): unknown {
    if (action === 'get_alias_uuid') {
      const a = this.aliases.get(arg);
      return a ? { uuid: a.uuid } : [];
    }
    if (action === 'get_item') {
      const found = [...this.aliases.entries()].find(([, a]) => a.uuid === arg);
      if (!found) return [];
      const type = Object.fromEntries(TYPES.map((t) => [t, { value: t, selected: t === found[1].type ? 1 : 0 }]));
      return { alias: { enabled: '1', name: found[0], type, content: {} } };
    }
    if (action === 'add_item' && method === 'POST') {
      const alias = (body.alias ?? {}) as Record<string, string>;
      if (!/^[A-Za-z_][A-Za-z0-9_]{0,31}$/.test(alias.name ?? '') || this.aliases.has(alias.name))
        return { result: 'failed', validations: { 'alias.name': 'invalid or in use' } };
      if (!TYPES.includes(alias.type)) return { result: 'failed', validations: { 'alias.type': 'invalid' } };
      return { result: 'saved', uuid: this.addAlias(alias.name, alias.type).uuid };
    }
    if (action === 'reconfigure' && method === 'POST') return { status: 'ok' };
    return undefined;
  }

  private utilAction(method: string, action: string, arg: string, body: Record<string, unknown>): unknown {
    const alias = this.aliases.get(arg);
    if (action === 'list') {
      // Phalcon's getPost() only sees POST fields: a GET gets the defaults (page 1 of 9999).
      const rowCount = method === 'POST' ? Number(body.rowCount ?? 9999) : 9999;
      const current = method === 'POST' ? Number(body.current ?? 1) : 1;
      const keys = [...(alias?.entries ?? [])].sort();
      const rows = keys.slice((current - 1) * rowCount, current * rowCount).map((ip) => ({ ip }));
      return { total: keys.length, rowCount, current, rows };
    }
    if ((action === 'add' || action === 'delete') && method === 'POST') {
      const address = String(body.address ?? '');
      if (action === 'add' && /[^0-9a-f:./_]/.test(address)) return { status: 'not_an_address' };
      if (!alias) return { status: 'failed', status_msg: `non existing alias ${arg}` };
      if (address === this.rejectAddress) return { status: 'failed' };
      if (action === 'add') alias.entries.add(pfctlForm(address));
      else alias.entries.delete(pfctlForm(address));
      return { status: 'done' };
    }
    return undefined;
  }
}

function pfctlForm(address: string): string {
  return address.includes(':') ? address.replace(/\/128$/, '') : address.replace(/\/32$/, '');
}

function readBody(req: IncomingMessage): Promise<string> {
  return new Promise((resolve) => {
    let text = '';
    req.on('data', (chunk: Buffer) => {
      text += chunk;
    });
    req.on('end', () => resolve(text));
  });
}

function send(res: ServerResponse, status: number, body: unknown): void {
  res.writeHead(status, { 'content-type': 'application/json; charset=UTF-8' });
  res.end(JSON.stringify(body));
}
