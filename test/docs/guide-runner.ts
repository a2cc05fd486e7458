/**
 * Runs docs/deploy.md's blocks in a temporary root. Shell lines run in bash with `/etc/`,
 * `/var/lib/` and `/run/` pointed into the root, npm's global prefix at the root's /usr/local,
 * `useradd` writing the root's /etc/passwd (--prefix) and `npm ci` answered by a linked
 * node_modules (clone.ts). The lines that need a running systemd are done here: `systemctl
 * enable` for real (`systemctl --root`), start/status/reload/restart with the unit the guide
 * installed (unit-runner.ts), `curl` of /healthz against the port serve took, `journalctl` by
 * keeping serve's stderr (`journal`).
 */
import { expect } from 'chai';
import type { ChildProcess } from 'node:child_process';
import { chmodSync, copyFileSync, mkdirSync, writeFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { present } from '../helpers/present.js';
import { waitFor } from '../helpers/serve-process.js';
import { fetchRaw } from '../serve/support.js';
import { cloneRepository, npmEnv, npmShim, run } from './clone.js';
import { namedBlock } from './markdown.js';
import { reroot, UnitRunner } from './unit-runner.js';

const GUIDE = 'docs/deploy.md';
/** What a host's /etc holds before the guide runs: useradd needs these. */
const HOST_ETC = ['passwd', 'group', 'shadow', 'gshadow', 'login.defs'];

export class GuideRun {
  readonly root: string;
  readonly clone: string;
  readonly shellEnv: NodeJS.ProcessEnv;
  service?: UnitRunner;
  main?: ChildProcess;
  journal = '';
  /** `http://127.0.0.1:PORT` of the running serve. */
  base = '';

  /** `work` is an empty directory; `serviceEnv` is the test's plumbing (the fake APIBAN's URL). */
  constructor(
    work: string,
    private readonly serviceEnv: Record<string, string>,
  ) {
    chmodSync(work, 0o755); // the service user walks into the root, as it would into /
    this.root = join(work, 'root');
    this.clone = join(work, 'clone');
    mkdirSync(join(this.root, 'etc', 'systemd', 'system'), { recursive: true }); // present on any systemd host
    for (const file of HOST_ETC) copyFileSync(join('/etc', file), join(this.root, 'etc', file));
    cloneRepository(this.clone);
    const shims = join(work, 'shims');
    npmShim(shims);
    writeFileSync(join(shims, 'useradd'), `#!/bin/sh\nexec "$(PATH=/usr/sbin:/sbin command -v useradd)" --prefix '${this.root}' "$@"\n`);
    chmodSync(join(shims, 'useradd'), 0o755);
    const prefix = join(this.root, 'usr', 'local');
    const system = '/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin';
    this.shellEnv = {
      HOME: process.env.HOME,
      PATH: [shims, join(prefix, 'bin'), dirname(process.execPath), system].join(':'),
      ...npmEnv(prefix),
      npm_config_loglevel: 'http', // on a failure, the output shows how far npm got
    };
  }

  get unitPath(): string {
    return join(this.root, 'etc', 'systemd', 'system', 'apiban-exporter.service');
  }

  /** A block's shell text as it runs here; exit status and output, not asserted. */
  shell(text: string, input = ''): ReturnType<typeof run> {
    return run('bash', ['-e', '-c', reroot(this.root, text)], this.clone, this.shellEnv, input);
  }

  /** Runs one block of the guide by its marker; returns what its shell lines printed. */
  async step(name: string, input?: string): Promise<string> {
    let output = '';
    let lines: string[] = [];
    const flush = () => {
      if (lines.length === 0) return;
      const result = this.shell(lines.join('\n'), input);
      expect(result.status, `${GUIDE} ${name}:\n${lines.join('\n')}\n${result.stdout}${result.stderr}`).to.equal(0);
      output += result.stdout + result.stderr;
      lines = [];
    };
    for (const line of namedBlock(GUIDE, name).body.trimEnd().split('\n')) {
      if (/^(systemctl|journalctl|curl) /.test(line)) {
        flush();
        await this.systemd(line.replace(/\s+#.*$/, ''));
      } else lines.push(line);
    }
    flush();
    return output;
  }

  /** What a running systemd would do for one line of the guide. */
  private async systemd(line: string): Promise<void> {
    const [tool, verb, ...rest] = line.split(/\s+/);
    const command = `${tool} ${verb}`;
    if (command === 'systemctl daemon-reload' || tool === 'journalctl') return; // units are read at start; the journal is kept
    if (command === 'systemctl enable' && rest.join(' ') === '--now apiban-exporter') {
      const enable = run('systemctl', [`--root=${this.root}`, 'enable', 'apiban-exporter'], this.root, process.env);
      expect(enable.status, enable.stderr).to.equal(0);
      return this.start();
    }
    if (command === 'systemctl status') return void expect(this.main?.exitCode, `serve is running\n${this.journal}`).to.equal(null);
    if (command === 'systemctl reload') return this.reload();
    if (command === 'systemctl restart') {
      const stopped = await present(this.service, 'the started service').stop();
      expect(stopped, 'a clean stop on KillSignal=').to.deep.equal({ code: 0, signal: null });
      return this.start();
    }
    if (tool === 'curl') return this.healthz(verb === '-s' ? present(rest[0], 'the curl URL') : verb);
    throw new Error(`${GUIDE}: no emulation for "${line}"`);
  }

  private async start(): Promise<void> {
    this.service = new UnitRunner(this.root, this.unitPath, this.serviceEnv, ['--listen', '127.0.0.1:0']);
    const at = this.journal.length;
    const main = this.service.start((chunk) => {
      this.journal += chunk;
    });
    this.main = main;
    const since = () => this.journal.slice(at);
    await waitFor(async () => main.exitCode !== null || since().includes('"listening"'), 'serve listening', 60_000);
    const listening = since()
      .split('\n')
      .find((l) => l.includes('"listening"'));
    this.base = `http://127.0.0.1:${JSON.parse(present(listening, `a "listening" line (serve exited ${main.exitCode}):\n${since()}`)).port}`;
  }

  private async reload(): Promise<void> {
    const reloads = () => this.journal.split('configuration reloaded').length;
    const before = reloads();
    present(this.service, 'the started service').reload();
    await waitFor(async () => reloads() > before, 'the reload', 60_000);
  }

  /** `url` as the guide writes it (port 8080), asked of this serve until the first sync is done. */
  async healthz(url: string): Promise<void> {
    const local = url.replace('http://127.0.0.1:8080', this.base);
    await waitFor(async () => (await fetchRaw(local)).status === 200, `${local} after the first sync`, 60_000);
    expect(JSON.parse((await fetchRaw(local)).body.toString())).to.include({ status: 'ok' });
  }

  async stop(): Promise<void> {
    if (this.main?.exitCode === null) await this.service?.stop();
  }
}
