/**
 * The socket side: HTTP or HTTPS (cert + key files, for users without a reverse proxy), with
 * limits so slow or idle clients cannot hold sockets: a deadline for the headers and for the
 * whole request, a short keep-alive idle time and a cap on requests per connection. Shutdown
 * stops accepting, lets in-flight responses finish, then cuts what is left after a grace time.
 */
import { readFileSync } from 'node:fs';
import { createServer as createHttpServer, type Server } from 'node:http';
import { createServer as createHttpsServer } from 'node:https';
import type { AddressInfo } from 'node:net';
import { createSecureContext } from 'node:tls';
import { parseListenAddress, type ListenAddress } from '../config/listen-address.js';
import type { ServeConfig } from '../config/serve-schema.js';
import { ConfigError, errorCode, errorMessage } from '../errors.js';
import type { Logger } from '../log.js';
import { watchAcceptErrors } from './http/accept-errors.js';
import type { RequestHandler } from './handler.js';

export type { ListenAddress };

/**
 * `--listen`: the one place a listen address is not already checked, since `serve.listen` is
 * validated with the configuration (src/config/serve-schema.ts) by the same parser.
 */
export function parseListen(text: string): ListenAddress {
  const parsed = parseListenAddress(text);
  if (typeof parsed === 'string') throw new ConfigError('--listen', [parsed]);
  return parsed;
}

/** The server, with its accept errors logged (accept-errors.ts) until it closes. */
export function createListener(config: ServeConfig, handler: RequestHandler, log: Logger): Server {
  const timeouts = config.timeouts;
  const options = {
    headersTimeout: timeouts.headers,
    requestTimeout: timeouts.request,
    keepAliveTimeout: timeouts.keepAlive,
    // Node checks the two deadlines on this interval (default 30 s); keep it finer than the deadlines.
    connectionsCheckingInterval: Math.max(50, Math.min(1000, Math.floor(timeouts.headers / 2))),
  };
  const server =
    config.tls === undefined ? createHttpServer(options, handler) : createHttpsServer({ ...options, ...loadTls(config.tls) }, handler);
  server.keepAliveTimeout = timeouts.keepAlive;
  server.maxRequestsPerSocket = config.maxRequestsPerSocket;
  watchAcceptErrors(server, log);
  return server;
}

/**
 * Reads the certificate and key and checks that TLS accepts them together (PEM syntax, key
 * matching the certificate), so a bad file is a configuration problem naming the field, not a
 * crash inside the HTTPS server. `config check` calls this too.
 */
export function loadTls(tls: NonNullable<ServeConfig['tls']>): { cert: Buffer; key: Buffer } {
  const problems: string[] = [];
  const cert = readPem(tls.certFile, 'certFile', problems);
  const key = readPem(tls.keyFile, 'keyFile', problems);
  if (cert !== undefined && key !== undefined) {
    try {
      createSecureContext({ cert, key });
    } catch (error) {
      problems.push(`serve.tls: ${tls.certFile} and ${tls.keyFile} do not load as a certificate and its key (${errorMessage(error)})`);
    }
  }
  if (problems.length > 0 || cert === undefined || key === undefined) throw new ConfigError('serve.tls', problems);
  return { cert, key };
}

function readPem(path: string, field: string, problems: string[]): Buffer | undefined {
  try {
    return readFileSync(path);
  } catch (error) {
    problems.push(`serve.tls.${field}: cannot read ${path} (${errorCode(error) ?? 'error'})`);
    return undefined;
  }
}

/** Binds; an address in use or not local is a configuration problem (exit 2), not a crash. */
export function listen(server: Server, address: ListenAddress, field = 'serve.listen'): Promise<ListenAddress & { host: string }> {
  return new Promise((resolve, reject) => {
    const fail = (error: NodeJS.ErrnoException) => {
      reject(new ConfigError(field, [`cannot listen on ${address.host ?? '*'}:${address.port}: ${error.code ?? error.message}`]));
    };
    server.once('error', fail);
    server.listen(address.port, address.host, () => {
      server.off('error', fail);
      const bound = server.address() as AddressInfo;
      resolve({ host: bound.address, port: bound.port });
    });
  });
}

/** Stops accepting, closes idle keep-alive sockets, waits for in-flight responses up to `graceMs`. */
export function closeListener(server: Server, graceMs: number): Promise<void> {
  return new Promise((resolve) => {
    if (!server.listening) return resolve();
    const force = setTimeout(() => {
      server.closeAllConnections();
    }, graceMs);
    force.unref();
    server.close(() => {
      clearTimeout(force);
      resolve();
    });
    server.closeIdleConnections();
  });
}
