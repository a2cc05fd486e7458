/**
 * The HTTP mechanics the API drivers (opnsense-api, iptables-api) share: one keep-alive agent per
 * device (with an optional private CA, never a "skip verify" switch), the per-device abort signal
 * on every call, JSON bodies, and failures turned into DeviceError {device, command, output}
 * where `command` is "METHOD /path" and never carries the credentials (they travel only in the
 * Authorization header).
 */
import { readFileSync } from 'node:fs';
import type { Agent } from 'undici';
import { DeviceError, errorDetail, truncate, errorMessage } from '../../errors.js';
import { redactSecrets } from '../../log.js';

export interface HttpDeviceOptions {
  device: string;
  baseUrl: string;
  /** Value of the Authorization header, if the API wants one. */
  authorization?: string | undefined;
  caFile?: string | undefined;
  signal: AbortSignal;
  /** Strings scrubbed from any error output (API key and secret). */
  secrets?: readonly (string | undefined)[];
}

export interface HttpReply {
  status: number;
  text: string;
}

export class HttpDevice {
  private agent?: Agent;
  private readonly ca: Buffer | undefined;

  constructor(private readonly options: HttpDeviceOptions) {
    this.ca = options.caFile === undefined ? undefined : readCaFile(options.device, options.caFile);
  }

  /** Sends one request; any status outside 2xx is a DeviceError naming the call. */
  async call(method: 'GET' | 'POST', path: string, body?: unknown): Promise<HttpReply> {
    const reply = await this.send(method, path, body);
    if (reply.status < 200 || reply.status > 299) {
      throw this.failure(method, path, `HTTP ${reply.status}: ${reply.text}`);
    }
    return reply;
  }

  /** Like call, but parses the body as JSON (an unparseable body is a DeviceError). */
  async json(method: 'GET' | 'POST', path: string, body?: unknown): Promise<unknown> {
    const reply = await this.call(method, path, body);
    try {
      return JSON.parse(reply.text) as unknown;
    } catch {
      throw this.failure(method, path, `HTTP ${reply.status} with a body that is not JSON: ${reply.text}`);
    }
  }

  failure(method: string, path: string, output: string, cause?: unknown): DeviceError {
    const clean = redactSecrets(truncate(output, 400), this.options.secrets ?? []);
    return new DeviceError(this.options.device, `${method} ${path}`, clean, cause === undefined ? undefined : { cause });
  }

  async close(): Promise<void> {
    await this.agent?.close();
  }

  /** Sends one request and returns the answer whatever its status (transport failures throw). */
  async send(method: 'GET' | 'POST', path: string, body?: unknown): Promise<HttpReply> {
    const headers: Record<string, string> = { accept: 'application/json' };
    if (this.options.authorization !== undefined) headers.authorization = this.options.authorization;
    if (body !== undefined) headers['content-type'] = 'application/json';
    try {
      // undici is loaded on first use, so commands that never call a device API start without it.
      const { Agent, request } = await import('undici');
      this.agent ??= new Agent({ connect: this.ca === undefined ? {} : { ca: this.ca }, keepAliveTimeout: 10_000 });
      const response = await request(`${this.options.baseUrl}${path}`, {
        method,
        headers,
        body: body === undefined ? null : JSON.stringify(body),
        signal: this.options.signal,
        dispatcher: this.agent,
      });
      return { status: response.statusCode, text: await response.body.text() };
    } catch (error) {
      const reason = this.options.signal.aborted ? 'timed out (aborted)' : errorMessage(error);
      throw this.failure(method, path, reason, error);
    }
  }
}

export function basicAuthorization(user: string, password: string): string {
  return `Basic ${Buffer.from(`${user}:${password}`).toString('base64')}`;
}

/** `https://host:port` with IPv6 literals in brackets. */
export function originOf(scheme: 'http' | 'https', host: string, port: number): string {
  return `${scheme}://${host.includes(':') ? `[${host}]` : host}:${port}`;
}

function readCaFile(device: string, path: string): Buffer {
  try {
    return readFileSync(path);
  } catch (error) {
    throw new DeviceError(device, undefined, `cannot read the CA file ${path}: ${errorDetail(error)}`);
  }
}
