/**
 * The fast lane of plain-HTTP connections. Nearly every request serve gets is a firewall polling
 * a list it already holds, answered with a 304 of pre-built bytes; node:http spends about 40 µs of
 * CPU on each, most of it building IncomingMessage and ServerResponse objects, twice what nginx
 * needs. The lane parses with node:http's own llhttp binding (`HTTPParser` of lib/_http_common.js:
 * the same strict parser and header-size limit), which reads the socket's stream itself as it does
 * for node:http, and answers a request the responder recognises by writing its pre-built head and
 * body, with the Date, Connection and Keep-Alive lines node:http would add.
 *
 * Anything else hands the connection to node:http from that request on: a request with a body,
 * Expect, Upgrade, a repeated header the answer depends on, HTTP/1.0, a route that needs an error
 * answer or a page, or a client that has stopped reading. The lane rebuilds the head it parsed (the
 * parser has already checked every byte of it), puts it back in front of the unread bytes and calls
 * node:http's connection listener, which serves the rest of the connection as if it had been
 * there from the start ('connection' in Node's http documentation: a server may be given sockets).
 *
 * Its deadlines are node:http's: an idle keep-alive socket closes after keepAliveTimeout, a request
 * still incomplete after the headers or request timeout gets node's 408 and is cut, a parse error
 * gets node's 400 or 431 and is cut; after maxRequestsPerSocket answers the socket is closed.
 */
import { createRequire } from 'node:module';
import type { Server } from 'node:http';
import type { Socket } from 'node:net';

/** The headers a pre-built answer depends on; names in lower case. */
export interface LaneHeaders {
  'if-none-match'?: string;
  'if-modified-since'?: string;
  'accept-encoding'?: string;
  authorization?: string;
}

export interface LaneRequest {
  method: 'GET' | 'HEAD';
  url: string;
  headers: LaneHeaders;
  remoteAddress: string | undefined;
}

/** A whole answer but the Date, Connection and Keep-Alive lines: the status line and headers, each line ending in CRLF. */
export interface LaneAnswer {
  head: string;
  body: Buffer | undefined;
}

/** Answers a request from pre-built bytes, or returns undefined to leave it to node:http. */
export type LaneResponder = (request: LaneRequest) => LaneAnswer | undefined;

export interface LaneTimeouts {
  /** ms; 0 = none */
  headers: number;
  request: number;
  keepAlive: number;
}

interface LaneOptions {
  timeouts: LaneTimeouts;
  /** 0 = unlimited */
  maxRequestsPerSocket: number;
}

type ParseError = Error & { code?: string };

interface Parser {
  initialize(type: number, resource: object, maxHeaderSize: number, lenient: number): void;
  /** Reads straight from a socket's libuv stream, as node:http does, instead of through 'data' events. */
  consume(handle: object): void;
  unconsume(): void;
  /** During a consumed read: a copy of the bytes just parsed. */
  getCurrentBuffer(): Buffer;
  /** ms since the request under way began; before a socket's first request has begun, a meaningless value. */
  duration(): number;
  headersCompleted(): boolean;
  /** Deletes the native parser, which nothing else frees: node:http does this when its sockets close. */
  close(): void;
  [callback: number]: unknown;
}

interface ParserBinding {
  new (): Parser;
  REQUEST: number;
  kLenientNone: number;
  kOnHeaders: number;
  kOnHeadersComplete: number;
  kOnExecute: number;
}

interface HttpCommon {
  HTTPParser: ParserBinding;
  methods: string[];
}

/** The binding is not in Node's documented API: its shape is checked, and without it serve uses node:http alone. */
function loadHttpCommon(): HttpCommon | undefined {
  try {
    const { HTTPParser, methods } = createRequire(import.meta.url)('_http_common') as Partial<HttpCommon>;
    if (typeof HTTPParser !== 'function' || !Array.isArray(methods)) return undefined;
    const constants = ['REQUEST', 'kLenientNone', 'kOnHeaders', 'kOnHeadersComplete', 'kOnExecute'] as const;
    const calls = ['initialize', 'consume', 'unconsume', 'getCurrentBuffer', 'duration', 'headersCompleted', 'close'] as const;
    if (constants.some((key) => typeof HTTPParser[key] !== 'number')) return undefined;
    const prototype = HTTPParser.prototype as unknown as Record<string, unknown>;
    if (calls.some((key) => typeof prototype[key] !== 'function')) return undefined;
    return { HTTPParser, methods };
  } catch {
    return undefined;
  }
}

/** A TCP socket's libuv stream (net.Socket keeps it as `_handle`); a parser can read from it directly. */
function streamHandleOf(socket: Socket): object | undefined {
  const handle = (socket as unknown as { _handle?: { isStreamBase?: boolean } | null })._handle;
  return handle?.isStreamBase === true ? handle : undefined;
}

/** What node:http writes before cutting a connection (lib/_http_server.js, socketOnError). */
const CUT_ANSWERS: Record<string, string> = {
  HPE_HEADER_OVERFLOW: 'HTTP/1.1 431 Request Header Fields Too Large\r\nConnection: close\r\n\r\n',
  TIMEOUT: 'HTTP/1.1 408 Request Timeout\r\nConnection: close\r\n\r\n',
};
const BAD_REQUEST = 'HTTP/1.1 400 Bad Request\r\nConnection: close\r\n\r\n';

/** llhttp's on_headers_complete: 0 goes on; 2 stops the parser after this head (as for an upgrade). */
const GO_ON = 0;
const STOP = 2;

export class FastLane {
  /** Requests the lane answered itself. */
  answered = 0;
  private readonly connections = new Set<LaneConnection>();
  private readonly checker: NodeJS.Timeout;
  private closing = false;
  private second = -1;
  private keepAliveTail = '';
  private closeTail = '';
  private readonly keepAliveLine: string;
  private readonly deadline: number;

  private constructor(
    private readonly common: HttpCommon,
    server: Server,
    private readonly toNode: (socket: Socket) => void,
    private readonly respond: LaneResponder,
    private readonly options: LaneOptions,
  ) {
    const { keepAlive, headers, request } = options.timeouts;
    // node:http's Keep-Alive line (lib/_http_outgoing.js, _storeHeader).
    const max = options.maxRequestsPerSocket > 0 ? `, max=${options.maxRequestsPerSocket}` : '';
    this.keepAliveLine = keepAlive > 0 ? `Keep-Alive: timeout=${Math.floor(keepAlive / 1000)}${max}\r\n` : '';
    this.deadline = Math.min(headers > 0 ? headers : Infinity, request > 0 ? request : Infinity);
    // One sweep serves every deadline, as node:http's connectionsCheckingInterval does: no timer per socket or request.
    const checkEvery = Math.max(25, Math.min(1000, ...[keepAlive, this.deadline].filter((ms) => ms > 0).map((ms) => ms / 4)));
    this.checker = setInterval(() => this.sweep(), checkEvery).unref();
    server.once('close', () => clearInterval(this.checker));
  }

  /**
   * Puts the lane in front of a plain node:http server: its connections enter the lane first.
   * Returns undefined, and leaves the server as it is, where this Node lacks the parser binding.
   */
  static attach(server: Server, respond: LaneResponder, options: LaneOptions): FastLane | undefined {
    const common = loadHttpCommon();
    const listeners = server.listeners('connection');
    if (common === undefined || listeners.length !== 1) return undefined;
    const nodeListener = listeners[0] as (this: Server, socket: Socket) => void;
    server.removeListener('connection', nodeListener);
    const lane = new FastLane(common, server, (socket) => nodeListener.call(server, socket), respond, options);
    server.on('connection', (socket: Socket) => lane.accept(socket));
    return lane;
  }

  /** For shutdown: no more keep-alive; idle sockets close now, busy ones once their answers are out. */
  closeIdle(): void {
    this.closing = true;
    for (const { socket } of this.connections) {
      if (socket.writableLength === 0) socket.destroy();
      else socket.end();
    }
  }

  closeAll(): void {
    clearInterval(this.checker);
    for (const { socket } of this.connections) socket.destroy();
  }

  private accept(socket: Socket): void {
    const handle = streamHandleOf(socket);
    // Only a socket with a libuv stream (any TCP socket) can be read by the parser directly.
    if (handle === undefined) {
      this.toNode(socket);
      return;
    }
    const connection = new LaneConnection(this.common, socket, handle, this);
    this.connections.add(connection);
    socket.once('close', () => {
      this.connections.delete(connection);
      connection.release();
    });
  }

  /** Writes the answer to a complete request head; undefined leaves the request to node:http. */
  answer(request: LaneRequest, keepAlive: boolean, served: number, socket: Socket): 'kept' | 'closed' | undefined {
    let answer: LaneAnswer | undefined;
    try {
      answer = this.respond(request);
    } catch {
      // A throw here would escape through the parser and end the process: node:http's route gets
      // the request instead, and answers and logs a failure as it does for any other request.
      return undefined;
    }
    if (answer === undefined) return undefined;
    this.answered++;
    const max = this.options.maxRequestsPerSocket;
    const keep = keepAlive && !this.closing && (max === 0 || served + 1 < max);
    const head = answer.head + this.tail(keep);
    if (answer.body === undefined) socket.write(head, 'latin1');
    else {
      socket.cork();
      socket.write(head, 'latin1');
      socket.write(answer.body);
      socket.uncork();
    }
    if (keep) return 'kept';
    socket.end();
    return 'closed';
  }

  /** The Date and Connection lines, rebuilt once a second (node:http caches its Date the same way). */
  private tail(keepAlive: boolean): string {
    const now = Date.now();
    const second = Math.floor(now / 1000);
    if (second !== this.second) {
      this.second = second;
      const date = `Date: ${new Date(now).toUTCString()}\r\n`;
      this.keepAliveTail = `${date}Connection: keep-alive\r\n${this.keepAliveLine}\r\n`;
      this.closeTail = `${date}Connection: close\r\n\r\n`;
    }
    return keepAlive ? this.keepAliveTail : this.closeTail;
  }

  handOff(connection: LaneConnection, head: string, rest: Buffer): void {
    this.connections.delete(connection);
    connection.socket.unshift(rest.length === 0 ? Buffer.from(head, 'latin1') : Buffer.concat([Buffer.from(head, 'latin1'), rest]));
    this.toNode(connection.socket);
  }

  /** node:http's deadlines: a request still incomplete after its time gets a 408; an idle keep-alive socket closes. */
  private sweep(): void {
    const now = Date.now();
    const keepAlive = this.options.timeouts.keepAlive;
    for (const connection of this.connections) {
      const { parser, socket } = connection;
      if (!parser.headersCompleted()) {
        if (connection.requestAge(now) >= this.deadline) connection.cut('TIMEOUT');
      } else if (keepAlive > 0 && socket.writableLength === 0 && now - connection.answeredAt >= keepAlive) socket.destroy();
    }
  }
}

class LaneConnection {
  readonly parser: Parser;
  /** When the last answer went out (ms): the keep-alive idle time counts from it. */
  answeredAt = 0;
  private readonly acceptedAt = Date.now();
  private served = 0;
  private flushedHeaders: string[] = [];
  private flushedUrl = '';
  private reading = true;
  private readonly remoteAddress: string | undefined;
  /** Set by a head that ends the lane's part: the parser stops there, and reading stops once it has returned. */
  private next: 'read' | 'stop' | { handOff: string } = 'read';

  constructor(
    private readonly common: HttpCommon,
    readonly socket: Socket,
    handle: object,
    private readonly lane: FastLane,
  ) {
    const { HTTPParser } = common;
    this.remoteAddress = socket.remoteAddress;
    const parser = new HTTPParser();
    // 0: node's header-size limit (--max-http-header-size), as node:http uses; strict, as it is.
    parser.initialize(HTTPParser.REQUEST, {}, 0, HTTPParser.kLenientNone);
    // A head that spans reads, or has many lines, arrives in parts before it completes.
    parser[HTTPParser.kOnHeaders] = (headers: string[], url: string) => {
      this.flushedHeaders.push(...headers);
      this.flushedUrl += url;
    };
    parser[HTTPParser.kOnHeadersComplete] = this.onHead.bind(this);
    parser[HTTPParser.kOnExecute] = (parsed: number | ParseError) => this.afterExecute(parsed);
    this.parser = parser;
    socket.on('error', this.onError);
    // node:http's sockets allow half-open: a client that is done sending gets the rest of its answers, then the end.
    socket.on('end', this.onEnd);
    // As node:http does: the parser reads the socket's stream itself, with no 'data' event per read.
    parser.consume(handle);
    // Nothing reaches 'data' now, but the stream must flow for its 'end' to be seen.
    socket.resume();
  }

  private readonly onError = () => this.socket.destroy();
  private readonly onEnd = () => this.socket.end();

  /**
   * How long the request under way has been arriving (ms). The parser's duration() counts from
   * the first byte of the current request, but until one has begun on this socket it reads a field
   * Node 20 never set (seen: ages of hours, and zero, which would let a silent socket stay for
   * good). Until this socket has answered once, its request is timed from the accept, as
   * node:http times a new socket's first request.
   */
  requestAge(now: number): number {
    return this.served === 0 ? now - this.acceptedAt : this.parser.duration();
  }

  /** After each read: a parse error cuts the socket; a request left for node:http hands it over with the bytes after its head. */
  private afterExecute(parsed: number | ParseError): void {
    if (typeof parsed !== 'number') {
      this.cut(parsed.code ?? '');
      return;
    }
    const next = this.next;
    if (next === 'read') return;
    if (next === 'stop') {
      this.stop();
      return;
    }
    // The bytes must be taken before stop(): a consumed read's buffer is gone once the parser lets go.
    const rest = this.parser.getCurrentBuffer().subarray(parsed);
    this.stop();
    this.socket.off('error', this.onError);
    this.socket.off('end', this.onEnd);
    this.lane.handOff(this, next.handOff, rest);
  }

  private onHead(
    major: number,
    minor: number,
    headers: string[] | undefined,
    method: number,
    url: string | undefined,
    _statusCode: unknown,
    _statusMessage: unknown,
    upgrade: boolean,
    keepAlive: boolean,
  ): number {
    if (!this.socket.writable) {
      // Ended by shutdown: nothing more is answered on this socket.
      this.next = 'stop';
      return STOP;
    }
    const lines = headers ?? this.takeFlushedHeaders();
    const target = url || this.takeFlushedUrl();
    const name = this.common.methods[method];
    const request = this.laneRequest(name, target, lines, major === 1 && minor === 1 && !upgrade);
    // A client that has stopped reading goes to node:http, which stops reading it in turn.
    const passOn = request === undefined || this.socket.writableNeedDrain;
    const outcome = passOn ? undefined : this.lane.answer(request, keepAlive, this.served, this.socket);
    if (outcome === 'kept') {
      this.served++;
      this.answeredAt = Date.now();
      return GO_ON;
    }
    this.next = outcome === 'closed' ? 'stop' : { handOff: `${name} ${target} HTTP/${major}.${minor}\r\n${headerLines(lines)}\r\n` };
    return STOP;
  }

  private takeFlushedHeaders(): string[] {
    const lines = this.flushedHeaders;
    this.flushedHeaders = [];
    return lines;
  }

  private takeFlushedUrl(): string {
    const url = this.flushedUrl;
    this.flushedUrl = '';
    return url;
  }

  /** The request as the responder sees it, or undefined where only node:http can answer it right. */
  private laneRequest(method: string | undefined, url: string, lines: string[], plain: boolean): LaneRequest | undefined {
    if (!plain || (method !== 'GET' && method !== 'HEAD')) return undefined;
    const headers: LaneHeaders = {};
    let host = false;
    for (let i = 0; i < lines.length; i += 2) {
      const name = lines[i].toLowerCase();
      switch (name) {
        case 'host':
          // node:http refuses a request without one, or with two (HTTP/1.1 requires exactly one).
          if (host) return undefined;
          host = true;
          break;
        case 'if-none-match':
        case 'if-modified-since':
        case 'accept-encoding':
        case 'authorization':
          // node:http joins or drops repeats by rules of its own: leave those requests to it.
          if (headers[name] !== undefined) return undefined;
          headers[name] = lines[i + 1];
          break;
        case 'content-length':
        case 'transfer-encoding':
        case 'expect':
        case 'upgrade':
          return undefined;
      }
    }
    return host ? { method, url, headers, remoteAddress: this.remoteAddress } : undefined;
  }

  /**
   * Once the socket has closed (after a hand-off too): the native parser is not garbage-collected,
   * so it is deleted here, as node:http deletes its own (lib/_http_common.js, freeParser), once the
   * stack that may hold it has unwound.
   */
  release(): void {
    this.stop();
    setImmediate(() => this.parser.close());
  }

  /** Stops reading requests; what is already written still goes out. */
  private stop(): void {
    if (this.reading) this.parser.unconsume();
    this.reading = false;
  }

  /** node:http's answer to a request it cannot finish (a parse error or a deadline), then the socket closes. */
  cut(code: string): void {
    this.stop();
    const answer = CUT_ANSWERS[code] ?? BAD_REQUEST;
    // As node:http does: only when nothing has been written on this socket yet.
    if (this.socket.writable && this.socket.bytesWritten === 0) this.socket.end(answer, 'latin1', () => this.socket.destroy());
    else this.socket.destroy();
  }
}

/** Flat [name, value, ...] pairs as header lines, each ending in CRLF. */
export function headerLines(pairs: readonly (string | number)[]): string {
  let text = '';
  for (let i = 0; i < pairs.length; i += 2) text += `${pairs[i]}: ${pairs[i + 1]}\r\n`;
  return text;
}
