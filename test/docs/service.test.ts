/**
 * The systemd unit's steps, followed in order in a temporary root as far as possible without
 * systemd: the install lines of the unit's header run with /etc, /run and /var under the root,
 * then the test does what systemd would (Environment=, EnvironmentFile=, LoadCredential=, the
 * ExecStart command line) and polls the served lists exactly as each firewall of
 * docs/serve.md's "Pointing firewalls at it" is told to, with the sample configuration as the
 * steps installed it. Only the APIBAN base URL (the fake APIBAN) and the port (0) are added.
 */
import { expect } from 'chai';
import { spawn, spawnSync, type ChildProcess } from 'node:child_process';
import { createHash } from 'node:crypto';
import { copyFileSync, mkdirSync, mkdtempSync, readFileSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { FAKE_APIBAN_KEY, startFakeApiban, type FakeApiban } from '../helpers/fake-apiban.js';
import { CLI, REPO_ROOT } from '../helpers/paths.js';
import { waitFor } from '../helpers/serve-process.js';
import { basicAuth, fetchRaw } from '../serve/support.js';
import { fencedBlocks } from './markdown.js';
import { present } from '../helpers/present.js';

const UNIT_DIR = join(REPO_ROOT, 'contrib', 'systemd');
const UNIT = readFileSync(join(UNIT_DIR, 'apiban-exporter.service'), 'utf8');
const BANNED = ['198.51.100.7', '198.51.100.8', '198.18.4.0/24', '2001:db8:bad::1'];
const DOCS_HOST = 'http://exporter.example.net:8080';

/** The `#   command` lines of the unit's install instructions, in order. */
function installSteps(): string[] {
  const header = UNIT.slice(0, UNIT.indexOf('[Unit]')).split('\n');
  return header.filter((line) => /^# {3}\S/.test(line)).map((line) => line.slice(4).replace(/\s+#.*$/, ''));
}

/** The unit's [Service] settings of one key, in order. */
function directives(key: string): string[] {
  return UNIT.split('\n')
    .filter((line) => line.startsWith(`${key}=`))
    .map((line) => line.slice(key.length + 1));
}

function serveSection(): string {
  const text = readFileSync(join(REPO_ROOT, 'docs', 'serve.md'), 'utf8');
  return text.slice(text.indexOf('## Pointing firewalls at it'), text.indexOf('## Speed'));
}

function paragraph(startsWith: string): string {
  const found = serveSection()
    .split('\n\n')
    .find((p) => p.startsWith(startsWith));
  if (found === undefined) throw new Error(`docs/serve.md has no paragraph starting ${startsWith}`);
  return found;
}

function codeBlockAfter(heading: string): string {
  const section = serveSection();
  const at = section.indexOf(heading);
  const block = fencedBlocks('docs/serve.md').find((b) => section.slice(at).includes(b.body.trim()));
  if (block === undefined) throw new Error(`no code block after ${heading}`);
  return block.body;
}

describe("docs: the systemd unit's steps and the firewall recipes of docs/serve.md, with the sample", function () {
  this.timeout(60_000);
  let fake: FakeApiban;
  let root: string;
  let child: ChildProcess;
  let stderr = '';
  let base: string;
  const secret = (name: string) => readFileSync(join(root, 'etc', 'apiban-exporter', name), 'utf8');
  /** A URL as docs/serve.md writes it, pointed at this serve. */
  const local = (url: string) => url.replace(DOCS_HOST, base).replace('exporter.example.net:8080', base.slice('http://'.length));
  const expectList = (res: { status: number; body: Buffer }, what: string) => {
    expect(res.status, `${what}: ${res.body.toString().slice(0, 200)}`).to.equal(200);
    const lines = res.body.toString().split('\n');
    for (const entry of ['198.51.100.7', '198.18.4.0/24'])
      expect(
        lines.some((l) => l.startsWith(entry)),
        `${what} lists ${entry}`,
      ).to.equal(true);
  };

  before(async () => {
    fake = await startFakeApiban({ addresses: BANNED });
    root = mkdtempSync(join(tmpdir(), 'apiban-unit-root-'));
    mkdirSync(join(root, 'etc', 'systemd', 'system'), { recursive: true }); // present on any systemd host
    for (const step of installSteps()) {
      if (/^(systemctl|curl) /.test(step)) continue; // systemd's part is emulated below; curl is the first test
      const rerooted = step.replace(/(^|[\s>'"])\/(etc|run|var)\//g, `$1${root}/$2/`).replace('your-key', FAKE_APIBAN_KEY);
      const run = spawnSync('sh', ['-c', rerooted], { cwd: UNIT_DIR, encoding: 'utf8' });
      expect(run.status, `${step}\n${run.stderr}`).to.equal(0);
    }
    child = startLikeSystemd();
    present(child.stderr, "the child's stderr").on('data', (chunk: Buffer) => {
      stderr += chunk;
    });
    const port = await new Promise<number>((resolve, reject) => {
      const timer = setTimeout(() => reject(new Error(`serve did not start:\n${stderr}`)), 20_000);
      present(child.stderr, "the child's stderr").on('data', () => {
        const line = stderr.split('\n').find((l) => l.includes('"listening"'));
        if (line !== undefined) {
          clearTimeout(timer);
          resolve(JSON.parse(line).port as number);
        }
      });
      child.on('exit', (code) => reject(new Error(`serve exited with ${code}:\n${stderr}`)));
    });
    base = `http://127.0.0.1:${port}`;
    await waitFor(async () => (await fetchRaw(`${base}/healthz`)).status === 200, 'the first sync');
  });

  /** What systemd does with the unit: its environment, its credentials, its ExecStart line. */
  function startLikeSystemd(): ChildProcess {
    const env: Record<string, string> = {};
    for (const assignment of directives('Environment')) {
      const [name, value] = assignment.split(/=(.*)/s);
      env[name] = value.replace('%S', join(root, 'var', 'lib')).replace(/^\/etc\//, `${root}/etc/`);
    }
    for (const file of directives('EnvironmentFile')) {
      for (const line of readFileSync(join(root, file.replace(/^-/, '')), 'utf8').split('\n')) {
        const match = /^([A-Z_][A-Z0-9_]*)=(.*)$/.exec(line);
        if (match) env[match[1]] = match[2];
      }
    }
    const credentials = join(root, 'run', 'credentials', 'apiban-exporter.service');
    mkdirSync(credentials, { recursive: true });
    for (const credential of directives('LoadCredential')) {
      const [name, source] = credential.split(':');
      copyFileSync(join(root, source), join(credentials, name));
    }
    // The service sees /run/credentials at its real place; here it is under the root.
    const config = env.APIBAN_EXPORTER_CONFIG;
    writeFileSync(config, readFileSync(config, 'utf8').replaceAll('/run/credentials/', `${root}/run/credentials/`));
    const [command, ...args] = directives('ExecStart')[0].split(/\s+/);
    expect(command, 'ExecStart runs the installed CLI').to.equal('apiban-exporter');
    return spawn(process.execPath, [CLI, ...args, '--listen', '127.0.0.1:0'], {
      env: { PATH: process.env.PATH, ...env, APIBAN_BASE_URL: fake.url },
      stdio: ['ignore', 'ignore', 'pipe'],
    });
  }

  after(async () => {
    child?.kill('SIGTERM');
    await fake?.close();
  });

  it("gives a serve that answers the step's health check, with the key and the secrets kept private", async () => {
    const curl = present(
      installSteps().find((step) => step.startsWith('curl ')),
      'a curl install step',
    );
    const res = await fetchRaw(present(curl.split(/\s+/).pop(), 'the curl URL').replace('http://127.0.0.1:8080', base));
    expect(res.status).to.equal(200);
    expect(JSON.parse(res.body.toString())).to.include({ status: 'ok' });
    for (const file of ['env', 'feed-password', 'feed-path-token', 'feed-bearer-token']) {
      expect(statSync(join(root, 'etc', 'apiban-exporter', file)).mode & 0o777, file).to.equal(0o600);
    }
    expect(secret('feed-path-token')).to.match(/^[0-9a-f]{48}$/);
    expect(stderr).not.to.include(FAKE_APIBAN_KEY).and.not.include(secret('feed-password'));
  });

  it('pfSense: the path-token URL, no credentials, no Accept-Encoding', async () => {
    const url = present(/`(http:\/\/\S+\/t\/<token>\/pfsense\.txt)`/.exec(paragraph('**pfSense**'))?.[1], 'the pfSense URL');
    expectList(await fetchRaw(local(url.replace('<token>', secret('feed-path-token')))), 'pfSense');
    expect((await fetchRaw(`${base}/pfsense.txt`)).status, 'without the token the path does not exist').to.equal(404);
  });

  it('OPNsense: the URL with Bearer, and with Basic', async () => {
    const url = local(present(/URL `(http:\/\/\S+\/opnsense\.txt)`/.exec(paragraph('**OPNsense**'))?.[1], 'the OPNsense URL'));
    expectList(await fetchRaw(url, { headers: { authorization: `Bearer ${secret('feed-bearer-token')}` } }), 'OPNsense Bearer');
    expectList(await fetchRaw(url, { headers: { authorization: basicAuth('firewall', secret('feed-password')) } }), 'OPNsense Basic');
    expect((await fetchRaw(url)).status).to.equal(401);
  });

  it('Juniper SRX: Basic credentials in the feed-server URL, the feed path', async () => {
    const block = codeBlockAfter('**Juniper SRX**');
    const server = present(/url (\S+)/.exec(block)?.[1], 'the url line').replace('<password>', secret('feed-password'));
    const path = present(/path (\S+)/.exec(block)?.[1], 'the path line');
    expectList(await fetchRaw(local(server) + path), 'SRX'); // node sends user:password@ as Basic, as the SRX does
  });

  it('Cisco FMC: the feed and its MD5 URL, no authentication, from an allowed address', async () => {
    const [feed, md5] = [...paragraph('**Cisco FMC').matchAll(/`(http:\/\/[^`]+)`/g)].map((m) => local(m[1]));
    const list = await fetchRaw(feed);
    expectList(list, 'FMC');
    const sum = await fetchRaw(md5);
    expect(sum.status).to.equal(200);
    expect(sum.body.toString().trim()).to.equal(createHash('md5').update(list.body).digest('hex'));
  });

  it('Palo Alto: the EDL source with Basic credentials', async () => {
    const url = local(present(/`(http:\/\/\S+\/edl\.txt)`/.exec(paragraph('**Palo Alto**'))?.[1], 'the Palo Alto URL'));
    const user = present(/user `([^`]+)`/.exec(paragraph('**Palo Alto**'))?.[1], 'the Palo Alto user');
    expectList(await fetchRaw(url, { headers: { authorization: basicAuth(user, secret('feed-password')) } }), 'Palo Alto');
    expect((await fetchRaw(url)).status).to.equal(401);
  });

  it("FortiGate: the external-resource block's resource, username and password", async () => {
    const block = codeBlockAfter('**FortiGate**');
    const field = (name: string) => present(new RegExp(`set ${name} "([^"]+)"`).exec(block)?.[1], `set ${name}`);
    const password = field('password').replace('<password>', secret('feed-password'));
    expectList(
      await fetchRaw(local(field('resource')), { headers: { authorization: basicAuth(field('username'), password) } }),
      'FortiGate',
    );
  });
});
