/**
 * A fake iptables-api daemon (palner/iptables-api go/iptables-api.go + README.md) on 127.0.0.1
 * port 0: GET /addip|/blockip/<ip> appends `-s <ip> -j REJECT` to APIBANLOCAL unless present
 * (AppendUnique), /removeip|/unblockip/<ip> deletes it if present, /flushchain empties both
 * families. Like the daemon it accepts only what Go's net.ParseIP takes (single addresses, no
 * CIDR) and answers 400 `{"error":"only valid ip addresses supported"}` otherwise. No auth.
 */
import { createServer, type Server, type ServerResponse } from 'node:http';
import { isIP } from 'node:net';
import { closeServer, listenOnLoopback } from './listen.js';

export class FakeIptablesApi {
  /** The APIBANLOCAL chains, in rule order. */
  readonly v4: string[] = [];
  readonly v6: string[] = [];
  readonly requests: string[] = [];
  /** /addip of this address fails like an iptables error (400 "error adding address"). */
  failAddress: string | undefined;
  delayMs = 0;
  port = 0;
  private server!: Server;

  async start(): Promise<this> {
    this.server = createServer((req, res) => {
      const url = req.url ?? '/';
      this.requests.push(`${req.method} ${url}`);
      setTimeout(() => this.route(req.method ?? 'GET', url, res), this.delayMs);
    });
    this.port = await listenOnLoopback(this.server);
    return this;
  }

  async stop(): Promise<void> {
    await closeServer(this.server);
  }

  /** Every address in the chains, v4 then v6. */
  chain(): string[] {
    return [...this.v4, ...this.v6];
  }

  private route(method: string, url: string, res: ServerResponse): void {
    const match = /^\/(addip|blockip|removeip|unblockip)\/([^/]+)$/.exec(url);
    if (method !== 'GET') return reply(res, 405, '');
    if (url === '/flushchain') {
      this.v4.length = 0;
      this.v6.length = 0;
      return reply(res, 200, '{"result":"ipv4 flushed. ipv6 flushed. "}\n');
    }
    if (!match) return reply(res, 404, '404 page not found\n');
    const address = decodeURIComponent(match[2]);
    const family = isIP(address);
    if (family === 0) return reply(res, 400, '{"error":"only valid ip addresses supported"}\n');
    const chain = family === 4 ? this.v4 : this.v6;
    if (match[1] === 'addip' || match[1] === 'blockip') {
      if (address === this.failAddress) return reply(res, 400, '{"error":"error adding address"}\n');
      if (!chain.includes(address)) chain.push(address);
      return reply(res, 200, '{"success":"added"}\n');
    }
    const index = chain.indexOf(address);
    if (index >= 0) chain.splice(index, 1);
    return reply(res, 200, '{"success":"deleted"}\n');
  }
}

function reply(res: ServerResponse, status: number, text: string): void {
  res.writeHead(status, { 'content-type': status === 200 ? 'application/json' : 'text/plain; charset=utf-8' });
  res.end(text);
}
