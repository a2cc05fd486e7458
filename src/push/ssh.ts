/**
 * SSH mechanics shared by every SSH driver (ssh2 client): connect with the host key ALWAYS
 * verified (pinned SHA256 fingerprints, else a known_hosts file, default ~/.ssh/known_hosts),
 * authenticate (password, key + passphrase, agent, keyboard-interactive answered with the
 * password), then exec commands, move files over SFTP or open an interactive CLI session.
 * Credentials never appear in logs or errors: only the user name, host and port do.
 */
import { homedir } from 'node:os';
import { join } from 'node:path';
import type { Client, ClientChannel, ConnectConfig, SFTPWrapper } from 'ssh2';
import { DeviceError, HostKeyError } from '../errors.js';
import type { Logger } from '../log.js';
import type { DeviceCredentials, DeviceEndpoint, DriverContext } from './driver.js';
import { CliSession, type CliSessionOptions } from './cli-session.js';
import { appendKnownHost, fingerprintOf, judgeHostKey, keyTypeOf, normalizeFingerprint, readKnownHosts } from './known-hosts.js';

export type SshEndpoint = Pick<DeviceEndpoint<unknown>, 'name' | 'host' | 'port' | 'credentials' | 'hostKey' | 'timeoutMs'>;

export interface ExecResult {
  code: number | null;
  signal?: string | undefined;
  stdout: string;
  stderr: string;
}

export function defaultKnownHostsFile(): string {
  return join(homedir(), '.ssh', 'known_hosts');
}

/** Opens an authenticated connection; throws HostKeyError or DeviceError (never with a secret). */
export async function connectSsh(endpoint: SshEndpoint, context: DriverContext): Promise<SshConnection> {
  // Loaded on first use: commands that never open SSH start without it.
  const { default: ssh2 } = await import('ssh2');
  const client = new ssh2.Client();
  const port = endpoint.port ?? 22;
  const check = { refusal: undefined as HostKeyError | undefined };
  const config: ConnectConfig = {
    host: endpoint.host,
    port,
    ...sshCredentials(endpoint.credentials),
    tryKeyboard: endpoint.credentials.password !== undefined,
    readyTimeout: endpoint.timeoutMs,
    hostVerifier: (key: Buffer) => {
      check.refusal = verifyHostKey(endpoint, port, key, context);
      return check.refusal === undefined;
    },
  };
  client.on('keyboard-interactive', (_name, _instructions, _lang, prompts, finish) => {
    finish(prompts.map(() => endpoint.credentials.password ?? ''));
  });
  await new Promise<void>((resolve, reject) => {
    let connecting = true;
    const onAbort = () => {
      connecting = false;
      client.destroy();
      reject(timeoutError(endpoint.name, 'connecting'));
    };
    if (context.signal.aborted) return onAbort();
    context.signal.addEventListener('abort', onAbort, { once: true });
    client.once('ready', () => {
      connecting = false;
      context.signal.removeEventListener('abort', onAbort);
      resolve();
    });
    // For the client's whole life, not once: ssh2 can emit 'error' again after its first fatal one
    // ("Instance unusable after fatal error" from a handshake given up on), and an 'error' with no
    // listener ends the process (node:events). Past the connection, a failure reaches whoever waits
    // through 'close' (SshConnection.withChannel); the error itself is only worth a debug line.
    client.on('error', (error: Error & { level?: string }) => {
      if (!connecting) return context.log.debug({ device: endpoint.name, err: error.message }, 'ssh error after connecting');
      connecting = false;
      context.signal.removeEventListener('abort', onAbort);
      client.destroy();
      reject(check.refusal ?? connectError(endpoint, port, error));
    });
    client.connect(config);
  });
  context.log.debug({ device: endpoint.name, host: endpoint.host, port }, 'ssh connected');
  return new SshConnection(client, endpoint.name, context.signal, context.log);
}

function verifyHostKey(endpoint: SshEndpoint, port: number, key: Buffer, context: DriverContext): HostKeyError | undefined {
  const fingerprint = fingerprintOf(key);
  const pinned = endpoint.hostKey.fingerprints.map(normalizeFingerprint);
  if (pinned.length > 0) {
    return pinned.includes(fingerprint)
      ? undefined
      : new HostKeyError(endpoint.name, fingerprint, `does not match the pinned fingerprint(s) ${pinned.join(', ')}; refusing to connect`);
  }
  const file = endpoint.hostKey.knownHostsFile ?? defaultKnownHostsFile();
  const verdict = judgeHostKey(readKnownHosts(file), endpoint.host, port, key);
  if (verdict === 'known') return undefined;
  if (verdict === 'revoked') return new HostKeyError(endpoint.name, fingerprint, `is marked @revoked in ${file}; refusing to connect`);
  if (verdict === 'changed') {
    return new HostKeyError(
      endpoint.name,
      fingerprint,
      `differs from the key recorded in ${file} (CHANGED host key, possible man-in-the-middle); refusing to connect`,
    );
  }
  if (!context.acceptNewHostKey) {
    return new HostKeyError(
      endpoint.name,
      fingerprint,
      `(${keyTypeOf(key)}) is unknown: not in ${file}; check it and pin it with hostKey.fingerprint, or run with --accept-new-host-key`,
    );
  }
  appendKnownHost(file, endpoint.host, port, key);
  context.log.warn({ device: endpoint.name, fingerprint, knownHosts: file }, 'accepted and recorded a new host key');
  return undefined;
}

function connectError(endpoint: SshEndpoint, port: number, error: Error & { level?: string }): DeviceError {
  const where = `${endpoint.credentials.username ?? '(no user)'}@${endpoint.host}:${port}`;
  if (error.level === 'client-authentication') return new DeviceError(endpoint.name, undefined, `authentication failed for ${where}`);
  if (error.level === 'client-timeout')
    return new DeviceError(endpoint.name, undefined, `no SSH handshake from ${where} within ${endpoint.timeoutMs} ms`);
  return new DeviceError(endpoint.name, undefined, `cannot connect to ${where}: ${error.message}`);
}

export function timeoutError(device: string, doing: string): DeviceError {
  return new DeviceError(device, undefined, `timed out or stopped while ${doing}`);
}

/** One authenticated SSH connection to a device. */
export class SshConnection {
  private closed = false;

  constructor(
    readonly client: Client,
    readonly device: string,
    private readonly signal: AbortSignal,
    private readonly log: Logger,
  ) {
    client.once('close', () => {
      this.closed = true;
    });
  }

  /** Runs one command (no PTY); `input` is written to its stdin. Never throws on a non-zero exit. */
  exec(command: string, input?: string | Buffer): Promise<ExecResult> {
    return this.withChannel(`running ${JSON.stringify(command)}`, (done, fail) => {
      this.client.exec(command, (error, stream) => {
        if (error) return fail(error);
        let stdout = '';
        let stderr = '';
        stream.on('data', (chunk: Buffer) => {
          stdout += chunk.toString('utf8');
        });
        stream.stderr.on('data', (chunk: Buffer) => {
          stderr += chunk.toString('utf8');
        });
        stream.on('close', (code: number | null, signal?: string) => done({ code, signal, stdout, stderr }));
        stream.end(input);
      });
    });
  }

  /** Writes a whole file over SFTP (replacing it), with the given mode. */
  writeFile(remotePath: string, data: string | Buffer, mode = 0o600): Promise<void> {
    return this.withSftp(`writing ${remotePath}`, (sftp, done, fail) => {
      sftp.writeFile(remotePath, data, { mode }, (error) => (error ? fail(error) : done()));
    });
  }

  readFile(remotePath: string): Promise<Buffer> {
    return this.withSftp(`reading ${remotePath}`, (sftp, done, fail) => {
      sftp.readFile(remotePath, (error, data) => (error ? fail(error) : done(data)));
    });
  }

  /** Opens a PTY shell and waits for the first prompt. */
  async openCli(options: CliSessionOptions): Promise<CliSession> {
    const stream = await this.withChannel<ClientChannel>('opening a shell', (done, fail) => {
      this.client.shell({ term: 'vt100', cols: 511, rows: 24 }, (error, channel) => (error ? fail(error) : done(channel)));
    });
    const session = new CliSession(stream, this.device, this.signal, options, this.log);
    await session.waitForPrompt(options.commandTimeoutMs);
    return session;
  }

  async close(): Promise<void> {
    if (this.closed) return;
    await new Promise<void>((resolve) => {
      const timer = setTimeout(() => {
        this.client.destroy();
        resolve();
      }, 2000);
      this.client.once('close', () => {
        clearTimeout(timer);
        resolve();
      });
      this.client.end();
    });
  }

  private withSftp<T>(
    doing: string,
    body: (sftp: SFTPWrapper, done: (value: T) => void, fail: (error: Error) => void) => void,
  ): Promise<T> {
    return this.withChannel<T>(doing, (done, fail) => {
      this.client.sftp((error, sftp) => {
        if (error) return fail(error);
        body(
          sftp,
          (value) => {
            sftp.end();
            done(value);
          },
          (e) => {
            sftp.end();
            fail(e);
          },
        );
      });
    });
  }

  /** Settles once; the device's abort signal (timeout) and a dropped connection both end the wait. */
  private withChannel<T>(doing: string, body: (done: (value: T) => void, fail: (error: Error) => void) => void): Promise<T> {
    return new Promise<T>((resolve, reject) => {
      let settled = false;
      const finish = (action: () => void) => {
        if (settled) return;
        settled = true;
        this.signal.removeEventListener('abort', onAbort);
        this.client.removeListener('close', onClose);
        action();
      };
      const onAbort = () => finish(() => reject(timeoutError(this.device, doing)));
      const onClose = () => finish(() => reject(new DeviceError(this.device, undefined, `connection closed while ${doing}`)));
      if (this.signal.aborted) return onAbort();
      this.signal.addEventListener('abort', onAbort, { once: true });
      this.client.once('close', onClose);
      body(
        (value) => finish(() => resolve(value)),
        (error) => finish(() => reject(new DeviceError(this.device, undefined, `${doing} failed: ${error.message}`, { cause: error }))),
      );
    });
  }
}

/** ssh2's types want an unset credential left out rather than undefined (exactOptionalPropertyTypes). */
function sshCredentials(
  credentials: DeviceCredentials,
): Pick<ConnectConfig, 'username' | 'password' | 'privateKey' | 'passphrase' | 'agent'> {
  const { username, password, privateKey, passphrase, agent } = credentials;
  return {
    ...(username !== undefined && { username }),
    ...(password !== undefined && { password }),
    ...(privateKey !== undefined && { privateKey }),
    ...(passphrase !== undefined && { passphrase }),
    ...(agent !== undefined && { agent }),
  };
}
