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
import type { ServeConfig } from '../config/serve-schema.js';
import { ConfigError } from '../errors.js';
import type { RequestHandler } from './handler.js';

export interface ListenAddress { host: string; port: number }

export function parseListen(text: string): ListenAddress {
  const match = /^(?:\[([0-9A-Fa-f:.]+)\]|([^:\s[\]]+)):(\d{1,5})$/.exec(text);
  const port = match === null ? NaN : Number(match[3]);
  if (match === null || port > 65535) throw new ConfigError('--listen', [`${JSON.stringify(text)} is not HOST:PORT (use [v6]:PORT for IPv6)`]);
  return { host: match[1] ?? match[2], port };
}

export function createListener(config: ServeConfig, handler: RequestHandler): Server {
  const timeouts = config.timeouts;
  const options = {
    headersTimeout: timeouts.headers,
    requestTimeout: timeouts.request,
    keepAliveTimeout: timeouts.keepAlive,
    // Node checks the two deadlines on this interval (default 30 s); keep it finer than the deadlines.
    connectionsCheckingInterval: Math.max(50, Math.min(1000, Math.floor(timeouts.headers / 2))),
  };
  const server = config.tls === undefined
    ? createHttpServer(options, handler)
    : createHttpsServer({ ...options, cert: readPem(config.tls.certFile, 'certFile'), key: readPem(config.tls.keyFile, 'keyFile') }, handler);
  server.keepAliveTimeout = timeouts.keepAlive;
  server.maxRequestsPerSocket = config.maxRequestsPerSocket;
  return server;
}

function readPem(path: string, field: string): Buffer {
  try {
    return readFileSync(path);
  } catch (error) {
    throw new ConfigError(path, [`serve.tls.${field}: cannot read (${(error as NodeJS.ErrnoException).code ?? 'error'})`]);
  }
}

/** Binds; an address in use or not local is a configuration problem (exit 2), not a crash. */
export function listen(server: Server, address: ListenAddress): Promise<ListenAddress> {
  return new Promise((resolve, reject) => {
    const fail = (error: NodeJS.ErrnoException) => {
      reject(new ConfigError('serve.listen', [`cannot listen on ${address.host}:${address.port}: ${error.code ?? error.message}`]));
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
    const force = setTimeout(() => server.closeAllConnections(), graceMs);
    force.unref();
    server.close(() => {
      clearTimeout(force);
      resolve();
    });
    server.closeIdleConnections();
  });
}
