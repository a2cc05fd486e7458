/**
 * The base of every SSH device simulator: an ssh2 Server on 127.0.0.1 port 0 with a throwaway
 * ed25519 host key, password / public-key / keyboard-interactive auth, and a PTY shell that
 * echoes input like a terminal, pages long output until the dialect turns paging off, and hands
 * each complete line to a dialect handler (sim-cisco-ios.ts, sim-cisco-asa.ts, sim-junos.ts).
 * Fault switches: a slow device (delay per reply), a device held at a given line, a connection dropped on a given command.
 */
import { once } from 'node:events';
import type { AddressInfo } from 'node:net';
import ssh2, { type Connection, type ServerChannel } from 'ssh2';
import { fingerprintOf } from '../../src/push/known-hosts.js';
import { generateEd25519KeyPair } from './ssh-keys.js';

export interface CliReply {
  /** Output, ending with the next prompt (no newline after it). */
  output: string;
  /** Close the connection instead of answering (a device that drops mid-change). */
  drop?: boolean;
}

/** One shell's state machine; a new one per connection. */
export interface CliHandler {
  /** Banner and first prompt. */
  greeting(): string;
  /** A line the user typed (without line end), or "\x04" for Ctrl-D. */
  handle(line: string): CliReply | string;
  /** False while a password is being typed (no echo). */
  readonly echo: boolean;
  /** Lines per page; 0 when paging is off (`terminal length 0`, `terminal pager 0`, `set cli screen-length 0`). */
  readonly pageLength: number;
  /** The pager prompt, e.g. `--More--` or `<--- More --->`. */
  readonly pager: string;
}

export interface SimulatorAuth {
  username: string;
  password?: string | undefined;
  /** OpenSSH public key texts accepted for the user. */
  publicKeys?: string[];
  /** Offer only keyboard-interactive (devices that refuse plain password auth). */
  keyboardInteractiveOnly?: boolean;
}

export interface SimulatorOptions {
  auth: SimulatorAuth;
  /** Milliseconds before each reply (the slow-device fault). */
  delayMs?: number;
  /** Holds the reply to a typed line until the promise it returns settles (a device stuck at a step). */
  holdBefore?: ((line: string) => Promise<void> | undefined) | undefined;
}

export interface SimulatedDevice {
  readonly port: number;
  readonly host: '127.0.0.1';
  /** SHA256 fingerprint of the throwaway host key. */
  readonly fingerprint: string;
  /** The known_hosts line for this device. */
  readonly knownHostsLine: string;
  /** Every line received on any shell, in order (for "no configuration command" checks). */
  readonly received: string[];
  options: SimulatorOptions;
  close(): Promise<void>;
}

/** A valid throwaway ed25519 pair every time (ssh2's own generator is not: see ssh-keys.ts). */
export const generateKeyPair = generateEd25519KeyPair;

export async function startSshDevice(createHandler: () => CliHandler, options: SimulatorOptions): Promise<SimulatedDevice> {
  const hostKey = generateKeyPair();
  const received: string[] = [];
  const connections = new Set<Connection>();
  const server = new ssh2.Server({ hostKeys: [hostKey.privateKey] }, (client) => {
    connections.add(client);
    client.on('close', () => connections.delete(client));
    client.on('error', () => undefined);
    client.on('authentication', (ctx) => authenticate(ctx as unknown as AuthContext, device.options.auth));
    client.on('ready', () =>
      client.on('session', (accept) => {
        const session = accept();
        session.on('pty', (ok) => ok?.());
        session.on('shell', (ok) => runShell(ok(), client, createHandler(), device, received));
      }),
    );
  });
  server.listen(0, '127.0.0.1');
  await once(server, 'listening');
  const blob = (ssh2.utils.parseKey(hostKey.publicKey) as { getPublicSSH(): Buffer }).getPublicSSH();
  const port = (server.address() as AddressInfo).port;
  const device: SimulatedDevice = {
    port,
    host: '127.0.0.1',
    fingerprint: fingerprintOf(blob),
    knownHostsLine: `[127.0.0.1]:${port} ssh-ed25519 ${blob.toString('base64')}`,
    received,
    options,
    close: async () => {
      for (const c of connections) c.end();
      await new Promise<void>((resolve) => server.close(() => resolve()));
    },
  };
  return device;
}

// biome-ignore lint/suspicious/noExplicitAny: ssh2's AuthContext union, read only after checking `method`; the simulator needs no more
type AuthContext = Record<string, any>;

function authenticate(ctx: AuthContext, auth: SimulatorAuth): void {
  const allowed: string[] = auth.keyboardInteractiveOnly ? ['keyboard-interactive'] : ['password', 'publickey', 'keyboard-interactive'];
  const answer = (ok: boolean) => (ok ? ctx.accept() : ctx.reject(allowed));
  if (ctx.username !== auth.username || !allowed.includes(ctx.method)) {
    ctx.reject(allowed);
    return;
  }
  if (ctx.method === 'password') {
    answer(ctx.password === auth.password);
    return;
  }
  if (ctx.method === 'keyboard-interactive') {
    ctx.prompt([{ prompt: 'Password: ', echo: false }], (answers: string[]) =>
      answer(auth.password !== undefined && answers[0] === auth.password),
    );
    return;
  }
  const key = (auth.publicKeys ?? [])
    // biome-ignore lint/suspicious/noExplicitAny: parseKey's result is a key or an Error; the simulator only gets keys it generated
    .map((text) => ssh2.utils.parseKey(text) as ReturnType<typeof ssh2.utils.parseKey> & Record<string, any>)
    .find((k) => k.getPublicSSH().equals(ctx.key.data));
  if (key === undefined) ctx.reject(allowed);
  else answer(ctx.signature === undefined || key.verify(ctx.blob, ctx.signature, ctx.hashAlgo));
}

function runShell(stream: ServerChannel, client: Connection, handler: CliHandler, device: SimulatedDevice, received: string[]): void {
  let line = '';
  let lastWasCr = false;
  let pending: string[] = [];
  let tail = '';
  let queue = Promise.resolve();
  const say = (text: string) => stream.write(text.replace(/\n/g, '\r\n'));
  const sendPage = () => {
    const page = pending.splice(0, handler.pageLength);
    say(page.map((l) => `${l}\n`).join(''));
    if (pending.length > 0) say(handler.pager);
    else say(tail);
  };
  const reply = (text: string) => {
    const cut = text.lastIndexOf('\n');
    const body = cut < 0 ? [] : text.slice(0, cut).split('\n');
    tail = cut < 0 ? text : text.slice(cut + 1);
    if (handler.pageLength === 0 || body.length <= handler.pageLength) return say(text);
    pending = body;
    sendPage();
  };
  const answer = (typed: string) => {
    received.push(typed);
    const result = handler.handle(typed);
    const { output, drop } = typeof result === 'string' ? { output: result, drop: false } : result;
    if (drop) return void client.end();
    reply(output);
  };
  const delayed = (typed: string, action: () => void) => {
    const delay = device.options.delayMs ?? 0;
    queue = queue.then(async () => {
      await device.options.holdBefore?.(typed);
      await new Promise((resolve) => setTimeout(resolve, delay));
      action();
    });
  };
  stream.on('data', (chunk: Buffer) => {
    for (const char of chunk.toString('utf8')) {
      if (pending.length > 0) {
        // IOS erases the pager prompt with backspaces before the next page.
        if (char === ' ') {
          say(`${'\b'.repeat(handler.pager.length)}${' '.repeat(handler.pager.length)}${'\b'.repeat(handler.pager.length)}`);
          sendPage();
        } else if (char === 'q') {
          pending = [];
          say(`\n${tail}`);
        }
        continue;
      }
      if (char === '\x04') {
        delayed('\x04', () => answer('\x04'));
        continue;
      }
      const crlfTail = char === '\n' && lastWasCr;
      lastWasCr = char === '\r';
      if (crlfTail) continue;
      if (char === '\r' || char === '\n') {
        const typed = line;
        line = '';
        say('\n');
        delayed(typed, () => answer(typed));
        continue;
      }
      line += char;
      if (handler.echo) say(char);
    }
  });
  delayed('', () => say(handler.greeting()));
}
