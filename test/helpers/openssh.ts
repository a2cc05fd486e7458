/**
 * A real OpenSSH server for the shell push drivers: /usr/sbin/sshd -D -e on 127.0.0.1 at a free
 * high port, with a throwaway host key and one authorized client key in a temp dir. Every
 * command (and the SFTP subsystem) goes through a ForceCommand wrapper, so a test decides where
 * commands run: inside a network namespace (`ip netns exec NS`) or with a PATH that holds fake
 * tools (pf). The client logs in as the current user with the key; the host key is pinned.
 */
import { execFileSync, spawn, spawnSync, type ChildProcess } from 'node:child_process';
import { chmodSync, existsSync, mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { connect, createServer } from 'node:net';
import { tmpdir, userInfo } from 'node:os';
import { join } from 'node:path';
import type { DeviceCredentials } from '../../src/push/driver.js';

export const SSHD = '/usr/sbin/sshd';

export interface OpenSshOptions {
  /** Shell lines run before the client's command; the command itself is in "$SSH_ORIGINAL_COMMAND". */
  wrapperPrelude?: string;
  /** How the command is run, default `/bin/sh -c "$SSH_ORIGINAL_COMMAND"`; e.g. prefix with `ip netns exec NS`. */
  runner?: string;
  /**
   * Runs sshd itself inside this network namespace (`ip netns exec`), listening on the
   * namespace's own 127.0.0.1: for a client that runs in the namespace too.
   */
  namespace?: string;
}

/**
 * A wrapper prelude for fault tests: every command is appended to <dir>/commands.log (what was
 * really sent), a fake `sudo` in <dir>/bin drops `-n` and runs the rest, and while a file
 * <dir>/slow exists each command first sleeps 2 s (a slow device, for timeouts).
 */
export const SLOW_AND_LOGGED = [
  'here="$(dirname "$0")"',
  'PATH="$here/bin:$PATH"; export PATH',
  'echo "$SSH_ORIGINAL_COMMAND" >> "$here/commands.log"',
  '[ -f "$here/slow" ] && sleep 2',
].join('\n');

export class OpenSshServer {
  port = 0;
  readonly dir: string;
  private process: ChildProcess | undefined;
  private log = '';

  constructor(private readonly options: OpenSshOptions = {}) {
    this.dir = mkdtempSync(join(tmpdir(), 'apiban-sshd-'));
  }

  /** Host key fingerprint (SHA256:...), for hostKey.fingerprints. */
  get fingerprint(): string {
    return execFileSync('ssh-keygen', ['-l', '-E', 'sha256', '-f', join(this.dir, 'host_ed25519_key.pub')], { encoding: 'utf8' }).split(
      ' ',
    )[1];
  }

  credentials(): DeviceCredentials {
    return { username: userInfo().username, privateKey: readFileSync(join(this.dir, 'client_key')) };
  }

  /** A `push.devices` entry of a configuration file for this server: the client key's file, the host key pinned. */
  deviceEntry(name: string, driver: string, settings: Record<string, unknown>) {
    const credentials = { username: userInfo().username, privateKeyFile: join(this.dir, 'client_key') };
    return { name, driver, host: '127.0.0.1', port: this.port, credentials, hostKey: { fingerprint: this.fingerprint }, settings };
  }

  async start(): Promise<this> {
    for (const key of ['host_ed25519_key', 'client_key']) {
      execFileSync('ssh-keygen', ['-q', '-t', 'ed25519', '-N', '', '-C', 'apiban-test', '-f', join(this.dir, key)]);
    }
    writeFileSync(join(this.dir, 'authorized_keys'), readFileSync(join(this.dir, 'client_key.pub')));
    const wrapper = join(this.dir, 'wrapper.sh');
    const runner = this.options.runner ?? '/bin/sh -c';
    writeFileSync(wrapper, `#!/bin/sh\n${this.options.wrapperPrelude ?? ''}\nexec ${runner} "$SSH_ORIGINAL_COMMAND"\n`);
    chmodSync(wrapper, 0o755);
    mkdirSync(join(this.dir, 'bin'));
    writeFileSync(join(this.dir, 'bin', 'sudo'), '#!/bin/sh\n[ "$1" = -n ] && shift\nexec "$@"\n', { mode: 0o755 });
    this.port = await freePort();
    writeFileSync(join(this.dir, 'sshd_config'), this.config(wrapper));
    if (!existsSync('/run/sshd')) mkdirSync('/run/sshd', { recursive: true, mode: 0o755 });
    await this.launch();
    return this;
  }

  async stop(): Promise<void> {
    const child = this.process;
    if (child && child.exitCode === null) {
      await new Promise<void>((resolve) => {
        child.once('exit', () => resolve());
        child.kill('SIGTERM');
      });
    }
    rmSync(this.dir, { recursive: true, force: true });
  }

  private config(wrapper: string): string {
    return [
      `Port ${this.port}`,
      'ListenAddress 127.0.0.1',
      `HostKey ${join(this.dir, 'host_ed25519_key')}`,
      `PidFile ${join(this.dir, 'sshd.pid')}`,
      `AuthorizedKeysFile ${join(this.dir, 'authorized_keys')}`,
      'PasswordAuthentication no',
      'KbdInteractiveAuthentication no',
      'PubkeyAuthentication yes',
      'PermitRootLogin prohibit-password',
      'StrictModes no',
      'UsePAM no',
      'LogLevel ERROR',
      // SHLVL=1 stops a bash login shell from sourcing ~/.bashrc for every command (Debian's
      // SSH_SOURCE_BASHRC; a pyenv/nvm init there costs ~0.4 s per channel).
      'SetEnv SHLVL=1',
      'Subsystem sftp /usr/lib/openssh/sftp-server',
      `ForceCommand ${wrapper}`,
      '',
    ].join('\n');
  }

  private async launch(): Promise<void> {
    const sshd = [SSHD, '-D', '-e', '-f', join(this.dir, 'sshd_config')];
    const { namespace } = this.options;
    const [program, ...args] = namespace === undefined ? sshd : ['ip', 'netns', 'exec', namespace, ...sshd];
    const child = spawn(program, args, { stdio: ['ignore', 'ignore', 'pipe'] });
    this.process = child;
    child.stderr?.on('data', (chunk: Buffer) => {
      this.log += chunk;
    });
    for (let i = 0; i < 100; i++) {
      if (child.exitCode !== null) throw new Error(`sshd exited: ${this.log}`);
      if (namespace === undefined ? await accepts(this.port) : acceptsIn(namespace, this.port)) return;
      await new Promise((r) => setTimeout(r, 30));
    }
    throw new Error(`sshd did not listen on ${this.port}: ${this.log}`);
  }
}

/** Why the OpenSSH tests cannot run here, or undefined when they can. */
export function openSshUnavailable(): string | undefined {
  if (!existsSync(SSHD)) return `${SSHD} is not installed`;
  if (spawnSync('sh', ['-c', 'command -v ssh-keygen']).status !== 0) return 'ssh-keygen is not installed';
  return undefined;
}

function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const server = createServer();
    server.once('error', reject);
    server.listen(0, '127.0.0.1', () => {
      const { port } = server.address() as { port: number };
      server.close(() => resolve(port));
    });
  });
}

/** Whether 127.0.0.1:port accepts a connection inside the namespace (a Node one-liner run there). */
function acceptsIn(namespace: string, port: number): boolean {
  const probe = `require('node:net').connect(${port}, '127.0.0.1').on('connect', () => process.exit(0)).on('error', () => process.exit(1))`;
  return spawnSync('ip', ['netns', 'exec', namespace, process.execPath, '-e', probe]).status === 0;
}

function accepts(port: number): Promise<boolean> {
  return new Promise((resolve) => {
    const socket = connect(port, '127.0.0.1');
    socket.once('connect', () => {
      socket.destroy();
      resolve(true);
    });
    socket.once('error', () => resolve(false));
  });
}
