/**
 * A fake iptables-api daemon on 127.0.0.1 port 0 that answers as palner/iptables-api does
 * (go/iptables-api.go: main's gorilla/mux routes, iptableHandle, pushIPAddress, flushChain;
 * README.md "API Usage"), byte for byte where a client could tell the difference:
 * - GET /addip|/blockip/<ip>: AppendUnique, so a repeated add also answers 200 `{"success":"added"}`.
 * - GET /removeip|/unblockip/<ip>: DeleteIfExists, 200 `{"success":"deleted"}` present or not.
 * - GET /puship/<ip>: Exists first; present = 400 `{"error":"ip already exists"}` (http.Error:
 *   text/plain, trailing newline), absent = Insert at position 1 and 200 `{"success":"pushed"}`.
 * - GET /flushchain: clears both families, always HTTP 200 `{"result":"ipv4 flushed. ipv6 flushed. "}`;
 *   a failing family puts go-iptables' error text after its name (`ipv6running [...]: exit status
 *   1: ...`), unescaped, so the body is not always valid JSON.
 * - Every handler first runs initializeIPTables, which recreates a missing chain, and calls
 *   log.Fatalln when ip6tables cannot run at all: the daemon dies without answering.
 * - An address net.ParseIP refuses (a CIDR too) answers 400 `{"error":"only valid ip addresses supported"}`;
 *   an unknown path mux's `404 page not found`, another method 405 with an empty body.
 */
import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import { isIP } from 'node:net';
import { closeServer, listenOnLoopback } from './listen.js';
import { present } from './present.js';

/** go-iptables' error text when ip6tables fails on a flush (newline included, as the daemon forwards it). */
export const IP6TABLES_FLUSH_ERROR =
  'running [/usr/sbin/ip6tables -t filter -F APIBANLOCAL --wait]: exit status 1: ip6tables: No chain/target/match by that name.\n';

export class FakeIptablesApi {
  /** The APIBANLOCAL chains, in rule order. */
  readonly v4: string[] = [];
  readonly v6: string[] = [];
  readonly requests: string[] = [];
  /** /addip of this address fails like an iptables error (400 "error adding address"). */
  failAddress: string | undefined;
  /** The request with this path is carried out but never answered (a device that stalls mid-push). */
  stallOn: string | undefined;
  /** 'error': ip6tables fails to flush (partial failure text); 'fatal': the daemon exits on any IPv6 use. */
  ip6tables: 'ok' | 'error' | 'fatal' = 'ok';
  /** An older daemon build without /puship (answers 404 there). */
  withoutPush = false;
  delayMs = 0;
  port = 0;
  dead = false;
  private server!: Server;

  async start(): Promise<this> {
    this.server = createServer((req, res) => {
      const url = req.url ?? '/';
      this.requests.push(`${req.method} ${url}`);
      setTimeout(() => this.handle(req, url, res), this.delayMs);
    });
    this.port = await listenOnLoopback(this.server);
    return this;
  }

  async stop(): Promise<void> {
    this.server.closeAllConnections();
    await closeServer(this.server);
  }

  /** Every address in the chains, v4 then v6. */
  chain(): string[] {
    return [...this.v4, ...this.v6];
  }

  /** A host reboot: the kernel's chains are gone (the daemon recreates them empty on the next call). */
  reboot(): void {
    this.v4.length = 0;
    this.v6.length = 0;
  }

  private handle(req: IncomingMessage, url: string, res: ServerResponse): void {
    if (this.dead) return void req.socket.destroy();
    const answer = this.route(req.method ?? 'GET', url);
    if (answer === 'fatal') {
      this.dead = true; // log.Fatalln: the process is gone, every later connection fails
      return void req.socket.destroy();
    }
    if (url === this.stallOn) return;
    res.writeHead(
      answer.status,
      answer.status === 200
        ? { 'content-type': 'application/json' }
        : { 'content-type': 'text/plain; charset=utf-8', 'x-content-type-options': 'nosniff' },
    );
    res.end(answer.body);
  }

  private route(method: string, url: string): { status: number; body: string } | 'fatal' {
    const match = /^\/(addip|blockip|removeip|unblockip|puship)\/([^/]+)$/.exec(url);
    if (url !== '/flushchain' && (!match || (this.withoutPush && match[1] === 'puship')))
      return { status: 404, body: '404 page not found\n' };
    if (method !== 'GET') return { status: 405, body: '' };
    if (url === '/flushchain') return this.flush();
    const address = decodeURIComponent(present(match, 'a known API path')[2]);
    const family = isIP(address);
    if (family === 0) return { status: 400, body: '{"error":"only valid ip addresses supported"}\n' };
    if (family === 6 && this.ip6tables === 'fatal') return 'fatal';
    const chain = family === 4 ? this.v4 : this.v6;
    const action = present(match, 'a known API path')[1];
    if (action === 'puship') {
      if (chain.includes(address)) return { status: 400, body: '{"error":"ip already exists"}\n' };
      chain.unshift(address);
      return { status: 200, body: '{"success":"pushed"}\n' };
    }
    if (action === 'addip' || action === 'blockip') {
      if (address === this.failAddress) return { status: 400, body: '{"error":"error adding address"}\n' };
      if (!chain.includes(address)) chain.push(address);
      return { status: 200, body: '{"success":"added"}\n' };
    }
    const index = chain.indexOf(address);
    if (index >= 0) chain.splice(index, 1);
    return { status: 200, body: '{"success":"deleted"}\n' };
  }

  private flush(): { status: number; body: string } | 'fatal' {
    this.v4.length = 0;
    if (this.ip6tables === 'fatal') return 'fatal';
    if (this.ip6tables === 'error') return { status: 200, body: `{"result":"ipv4 flushed. ipv6${IP6TABLES_FLUSH_ERROR}. "}\n` };
    this.v6.length = 0;
    return { status: 200, body: '{"result":"ipv4 flushed. ipv6 flushed. "}\n' };
  }
}
