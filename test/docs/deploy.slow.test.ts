/**
 * docs/deploy.md runs as written: its blocks marked `docs-test: deploy-*` run in order in a
 * temporary root (guide-runner.ts: the shell lines in bash with /etc, /var/lib and /run under the
 * root, npm's global prefix there, useradd --prefix; `systemctl enable` for real with --root,
 * start/reload/restart done the way systemd does them with the unit the guide installed, as the
 * service user, against the fake APIBAN). `systemd-analyze verify` is the guide's own line and
 * must print nothing. Then docs/serve.md's firewall recipes are polled against that service.
 */
import { expect } from 'chai';
import { spawnSync } from 'node:child_process';
import { chmodSync, lstatSync, mkdtempSync, readdirSync, readFileSync, renameSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { FAKE_APIBAN_KEY, startFakeApiban, type FakeApiban } from '../helpers/fake-apiban.js';
import { REPO_ROOT } from '../helpers/paths.js';
import { present } from '../helpers/present.js';
import { waitFor } from '../helpers/serve-process.js';
import { skipWhen } from '../helpers/skip.js';
import { run } from './clone.js';
import { firewallRecipes } from './firewall-recipes.js';
import { GuideRun } from './guide-runner.js';
import { namedBlock } from './markdown.js';
import { UnitRunner } from './unit-runner.js';

const BANNED = ['198.51.100.7', '198.51.100.8', '198.18.4.0/24', '2001:db8:bad::1'];
const UNIT = 'apiban-exporter.service';

function missingTool(): string | undefined {
  if (process.getuid?.() !== 0) return 'root (useradd, a service user)';
  for (const tool of ['useradd', 'systemd-analyze', 'systemctl']) {
    if (spawnSync('sh', ['-c', `PATH=$PATH:/usr/sbin:/sbin command -v ${tool}`]).status !== 0)
      return `${tool} (Debian's passwd and systemd packages)`;
  }
  return undefined;
}

describe('docs/deploy.md: the deployment guide, run as written in a temporary root', function () {
  this.timeout(900_000);
  // Each step builds on the one before: after a failed step the rest are skipped (pending), not
  // run on a half-made host. Not this.bail(true): in mocha's parallel mode (npm test runs the slow
  // tier three files at a time) a bail in one file ends every other file's run too.
  let failedStep: string | undefined;
  beforeEach(function () {
    if (failedStep !== undefined) this.skip();
  });
  afterEach(function () {
    if (this.currentTest?.state === 'failed') failedStep = this.currentTest.title;
  });
  let fake: FakeApiban;
  let guide: GuideRun;
  let root: string;
  const step = (name: string, input?: string) => guide.step(name, input);
  const credential = (name: string) => join(root, 'etc', 'apiban-exporter', 'credentials', name);
  const healthz = () => guide.healthz('http://127.0.0.1:8080/healthz');

  before(async function () {
    skipWhen(this, missingTool());
    fake = await startFakeApiban({ addresses: BANNED });
    guide = new GuideRun(mkdtempSync(join(tmpdir(), 'apiban-deploy-')), { APIBAN_BASE_URL: fake.url });
    root = guide.root;
  });

  after(async () => {
    await guide?.stop();
    await fake?.close();
  });

  it('builds the tarball from a fresh clone (deploy-build)', async () => {
    await step('deploy-build');
    expect(readdirSync(guide.clone).filter((f) => /^apiban-exporter-.*\.tgz$/.test(f))).to.have.length(1);
  });

  it('installs it with npm install -g, its contrib/ where the guide says (deploy-install)', async () => {
    const output = await step('deploy-install');
    const { version } = JSON.parse(readFileSync(join(REPO_ROOT, 'package.json'), 'utf8')) as { version: string };
    expect(output).to.include(`${version}\n`);
    expect(output.split('\n')).to.include.members(['apiban-exporter.sample.yaml', 'systemd']);
    expect(lstatSync(join(root, 'usr', 'local', 'lib', 'node_modules', 'apiban-exporter', 'contrib', 'systemd', UNIT)).isFile()).to.equal(
      true,
    );
  });

  it('makes the system user and root-only directories, in the root only (deploy-user)', async () => {
    await step('deploy-user');
    const entry = present(
      readFileSync(join(root, 'etc', 'passwd'), 'utf8')
        .split('\n')
        .find((l) => l.startsWith('apiban-exporter:')),
      'the user in the root',
    ).split(':');
    expect(Number(entry[2]), 'a system uid').to.be.below(1000);
    expect(entry[6]).to.equal('/usr/sbin/nologin');
    expect(readFileSync('/etc/passwd', 'utf8'), 'the host is untouched').not.to.match(/^apiban-exporter:.*nologin$/m);
    expect(statSync(join(root, 'etc', 'apiban-exporter', 'credentials')).mode & 0o777).to.equal(0o700);
  });

  it('installs the sample and the four secrets, readable by root only (deploy-config, deploy-key)', async () => {
    await step('deploy-config');
    await step('deploy-key', `${FAKE_APIBAN_KEY}\n`);
    for (const name of ['apiban-key', 'feed-password', 'feed-path-token', 'feed-bearer-token'])
      expect(statSync(credential(name)).mode & 0o777, name).to.equal(0o600);
    expect(readFileSync(credential('feed-path-token'), 'utf8')).to.match(/^[0-9a-f]{48}$/);
    expect(readFileSync(credential('apiban-key'), 'utf8').trim()).to.equal(FAKE_APIBAN_KEY);
    expect(statSync(join(root, 'etc', 'apiban-exporter', 'config.yaml')).mode & 0o777).to.equal(0o644);
  });

  it('checks the configuration on the host against the credentials, and names a missing one (deploy-check)', async () => {
    expect(await step('deploy-check')).to.match(/config\.yaml: ok \(6 outputs, 0 devices\)/);
    renameSync(credential('feed-password'), `${credential('feed-password')}.away`);
    const failed = guide.shell(namedBlock('docs/deploy.md', 'deploy-check').body);
    renameSync(`${credential('feed-password')}.away`, credential('feed-password'));
    expect(failed.status, failed.stderr).to.equal(2);
    expect(failed.stderr).to.include(`serve.access.basic.passwordFile: cannot read the secret file ${credential('feed-password')}`);
  });

  it('installs a unit that systemd-analyze verify passes without a word, and rates well (deploy-unit)', async () => {
    expect(await step('deploy-unit'), 'verify prints nothing for a sound unit').to.equal('');
    const unit = readFileSync(guide.unitPath, 'utf8');
    const node = process.execPath;
    expect(unit).to.include(`ExecStart=${node} ${join(root, 'usr', 'local', 'bin', 'apiban-exporter')} --log-format json serve`);
    expect(unit).not.to.match(/^EnvironmentFile=/m);
    const security = run('systemd-analyze', ['security', '--offline=true', guide.unitPath], root, process.env);
    const exposure = Number(present(/Overall exposure level for .*: ([\d.]+)/.exec(security.stdout)?.[1], 'the exposure level'));
    expect(exposure, security.stdout.slice(-1500)).to.be.at.most(2);
  });

  it('enables and starts it as systemd would: /healthz ok, no secret in the journal (deploy-start)', async () => {
    await step('deploy-start');
    expect(lstatSync(join(root, 'etc', 'systemd', 'system', 'multi-user.target.wants', UNIT)).isSymbolicLink()).to.equal(true);
    const state = join(root, 'var', 'lib', 'apiban-exporter');
    expect(statSync(state).uid, 'the state belongs to the service user').to.equal(present(guide.service, 'the service').identity.uid);
    expect(readdirSync(state).length, 'serve saved its state').to.be.above(0);
    for (const name of ['apiban-key', 'feed-password', 'feed-bearer-token'])
      expect(guide.journal).not.to.include(readFileSync(credential(name), 'utf8').trim());
  });

  // docs/serve.md's recipes, one test per firewall, against the service as the guide set it up.
  firewallRecipes(
    () => ({ base: guide.base, secret: (name) => readFileSync(credential(name), 'utf8') }),
    ['198.51.100.7', '198.18.4.0/24'],
  );

  it('fails ExecStartPre with exit 2 and the path of the problem when the configuration is wrong', () => {
    const broken = join(root, 'etc', 'apiban-exporter', 'broken.yaml');
    writeFileSync(broken, `${readFileSync(join(root, 'etc', 'apiban-exporter', 'config.yaml'), 'utf8')}\nsyncc: {}\n`);
    chmodSync(broken, 0o644);
    const again = new UnitRunner(root, guide.unitPath, { APIBAN_EXPORTER_CONFIG: broken }, []);
    let refusal: unknown;
    try {
      again.start(() => {}).kill('SIGKILL'); // reached only when nothing refused the start
    } catch (error) {
      refusal = error;
    }
    expect(String(refusal)).to.match(/ExecStartPre=.* exited 2:[\s\S]*syncc: unknown key/);
  });

  it('reloads on systemctl reload (SIGHUP through ExecReload) and keeps serving (deploy-reload)', async () => {
    await step('deploy-reload');
    expect(guide.main?.exitCode).to.equal(null);
    await healthz();
  });

  it('upgrades: reinstall, check, restart, serving again from the kept state (deploy-upgrade)', async () => {
    const asked = fake.requests.length;
    await step('deploy-upgrade');
    await healthz();
    // Kept state: the restarted serve resumes from its saved cursor ("100" starts a full download).
    // It answers /healthz from that state before its first sync asks APIBAN anything.
    const resumedGet = () => fake.requests.slice(asked).find((r) => r.operation === 'get');
    await waitFor(async () => resumedGet() !== undefined, 'the restarted serve asking APIBAN', 60_000);
    const resumed = resumedGet();
    expect(resumed?.cursor, 'an incremental request').to.be.a('string').and.not.equal('100');
  });
});
