/**
 * Does with an installed unit file what systemd does at `start`, `reload`, `stop`, in a temporary
 * root where no systemd runs: the directories (StateDirectory=, owned by User=), the credentials
 * (LoadCredential= copies each file into a directory only the user reads and sets
 * CREDENTIALS_DIRECTORY; a missing file fails the start), the environment (Environment= with its
 * %-specifiers, systemd's fixed PATH), UMask=, then ExecStartPre= (must exit 0) and ExecStart= as
 * User=. Paths the unit names under /etc, /var/lib and /run are taken inside the root. Sandboxing
 * settings are not emulated: `systemd-analyze verify` and `security` judge those.
 * https://www.freedesktop.org/software/systemd/man/latest/systemd.exec.html
 */
import { spawn, spawnSync, type ChildProcess } from 'node:child_process';
import { chmodSync, chownSync, copyFileSync, existsSync, mkdirSync, readFileSync } from 'node:fs';
import { basename, join } from 'node:path';
import { present } from '../helpers/present.js';

/** The PATH systemd gives a system service (systemd.exec(5), "Environment Variables in Spawned Processes"). */
const SYSTEMD_PATH = '/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin';

/** Maps an absolute path under /etc, /var/lib or /run into the root. */
export function reroot(root: string, text: string): string {
  return text.replace(/(^|[\s>'"=(:])\/(etc|var\/lib|run)\//gm, `$1${root}/$2/`);
}

/** The values of one key of one section, in order. */
export function unitValues(unitText: string, section: string, key: string): string[] {
  const values: string[] = [];
  let current = '';
  for (const line of unitText.split('\n')) {
    const header = /^\[(.+)\]$/.exec(line.trim());
    if (header) current = header[1];
    else if (current === section && line.startsWith(`${key}=`)) values.push(line.slice(key.length + 1));
  }
  return values;
}

export interface Identity {
  uid: number;
  gid: number;
}

/** The uid and gid of `user` in the root's /etc/passwd (useradd wrote it there). */
export function identityIn(root: string, user: string): Identity {
  const entry = readFileSync(join(root, 'etc', 'passwd'), 'utf8')
    .split('\n')
    .map((line) => line.split(':'))
    .find((fields) => fields[0] === user);
  const found = present(entry, `user ${user} in ${root}/etc/passwd`);
  return { uid: Number(found[2]), gid: Number(found[3]) };
}

export class UnitRunner {
  readonly unit: string;
  readonly name: string;
  readonly identity: Identity;
  private main?: ChildProcess;

  /** `extraEnv` and `extraArgs` are the test's plumbing (the fake APIBAN's URL, port 0). */
  constructor(
    private readonly root: string,
    unitPath: string,
    private readonly extraEnv: Record<string, string>,
    private readonly extraArgs: string[],
  ) {
    this.unit = readFileSync(unitPath, 'utf8');
    this.name = basename(unitPath);
    this.identity = identityIn(root, present(this.service('User')[0], 'User='));
  }

  service(key: string): string[] {
    return unitValues(this.unit, 'Service', key);
  }

  get credentialsDir(): string {
    return join(this.root, 'run', 'credentials', this.name);
  }

  /** systemd's work before the first command, then ExecStartPre=; returns the environment. */
  prepare(): Record<string, string> {
    const { uid, gid } = this.identity;
    const state = join(this.root, 'var', 'lib', present(this.service('StateDirectory')[0], 'StateDirectory='));
    mkdirSync(state, { recursive: true });
    chownSync(state, uid, gid);
    chmodSync(state, Number.parseInt(this.service('StateDirectoryMode')[0] ?? '0755', 8));
    mkdirSync(join(this.root, 'etc', present(this.service('ConfigurationDirectory')[0], 'ConfigurationDirectory=')), { recursive: true });
    mkdirSync(this.credentialsDir, { recursive: true });
    for (const credential of this.service('LoadCredential')) {
      const [id, source] = credential.split(/:(.*)/s);
      const from = reroot(this.root, source);
      if (!existsSync(from)) throw new Error(`${this.name}: Failed to set up credentials: ${source} is missing`);
      copyFileSync(from, join(this.credentialsDir, id));
      chownSync(join(this.credentialsDir, id), uid, gid);
      chmodSync(join(this.credentialsDir, id), 0o400);
    }
    chownSync(this.credentialsDir, uid, gid);
    chmodSync(this.credentialsDir, 0o500);
    const env: Record<string, string> = { PATH: SYSTEMD_PATH, CREDENTIALS_DIRECTORY: this.credentialsDir, STATE_DIRECTORY: state };
    for (const assignment of this.service('Environment')) {
      const [name, value] = assignment.split(/=(.*)/s);
      env[name] = reroot(this.root, value.replaceAll('%S', '/var/lib').replaceAll('%d', this.credentialsDir));
    }
    return { ...env, ...this.extraEnv };
  }

  /** Runs a command line of the unit as User= with UMask=; `$MAINPID` is the main process. */
  private argv(line: string, env: Record<string, string>): string[] {
    const words = line.split(/\s+/).map((word) => word.replace(/^\$MAINPID$/, String(this.main?.pid)));
    const umask = this.service('UMask')[0] ?? '0022';
    return ['/bin/sh', '-c', `umask ${umask} && exec "$@"`, 'sh', ...words.map((w) => w.replace(/\$\{(\w+)\}/g, (_, n) => env[n] ?? ''))];
  }

  /** ExecStartPre= (each must exit 0), then ExecStart= as the main process. */
  start(onStderr: (chunk: string) => void): ChildProcess {
    const env = this.prepare();
    for (const line of this.service('ExecStartPre')) {
      const [command, ...args] = this.argv(line, env);
      const pre = spawnSync(command, args, { env, cwd: '/', encoding: 'utf8', ...this.identity });
      if (pre.status !== 0) throw new Error(`ExecStartPre=${line} exited ${pre.status}:\n${pre.stdout}${pre.stderr}`);
    }
    const [command, ...args] = this.argv(present(this.service('ExecStart')[0], 'ExecStart='), env);
    this.main = spawn(command, [...args, ...this.extraArgs], { env, cwd: '/', stdio: ['ignore', 'ignore', 'pipe'], ...this.identity });
    present(this.main.stderr, 'the stderr of ExecStart=').on('data', (chunk: Buffer) => onStderr(chunk.toString()));
    return this.main;
  }

  /** ExecReload=, with $MAINPID. */
  reload(): void {
    const env = this.prepare();
    for (const line of this.service('ExecReload')) {
      const [command, ...args] = this.argv(line, env);
      const run = spawnSync(command, args, { env, encoding: 'utf8' });
      if (run.status !== 0) throw new Error(`ExecReload=${line} exited ${run.status}: ${run.stderr}`);
    }
  }

  /** KillSignal= to the main process; resolves with how it ended. */
  stop(): Promise<{ code: number | null; signal: NodeJS.Signals | null }> {
    const main = present(this.main, 'a started main process');
    return new Promise((resolve) => {
      if (main.exitCode !== null || main.signalCode !== null) return resolve({ code: main.exitCode, signal: main.signalCode });
      main.once('exit', (code, signal) => resolve({ code, signal }));
      main.kill((this.service('KillSignal')[0] ?? 'SIGTERM') as NodeJS.Signals);
    });
  }
}
