/**
 * Every snippet of the documentation runs as written: each ```yaml block of README.md and
 * docs/*.md and each configuration in contrib/ passes `config check` (the real CLI) with exactly
 * the environment variables its section tells the reader to set; every shell block is either run
 * by a docs test (by its marker name) or says why it cannot run offline.
 */
import { expect } from 'chai';
import { mkdtempSync, readdirSync, readFileSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, relative } from 'node:path';
import { runCli } from '../helpers/cli.js';
import { parse as parseYaml } from 'yaml';
import { REPO_ROOT } from '../helpers/paths.js';
import { envReferences, fencedBlocks, markdownFiles } from './markdown.js';
import { present } from '../helpers/present.js';

/** The variables the loader will expand: in values only (comments may mention `${NAME}`). */
const variablesOf = (yamlText: string) => envReferences(JSON.stringify(parseYaml(yamlText) ?? {}));

/** Shell blocks the docs tests run, by marker name (see package.slow.test.ts and deploy.slow.test.ts). */
const RUN_BY_TESTS = [
  'setup-main',
  'install',
  'deploy-build',
  'deploy-install',
  'deploy-user',
  'deploy-config',
  'deploy-key',
  'deploy-check',
  'deploy-unit',
  'deploy-start',
  'deploy-reload',
  'deploy-upgrade',
];
const SHELL = new Set(['sh', 'bash', 'shell', 'console']);

function filesUnder(dir: string): string[] {
  return readdirSync(dir).flatMap((name) => {
    const path = join(dir, name);
    return statSync(path).isDirectory() ? filesUnder(path) : [relative(REPO_ROOT, path)];
  });
}

/**
 * `--schema-only`: the files and credential variables a snippet names (/etc/apiban-exporter/...,
 * a device's passwordEnv) exist only on the host that runs it; the sample's are checked for real
 * by deploy.slow.test.ts, which follows docs/deploy.md's steps that create them.
 */
async function configCheck(text: string, env: Record<string, string>): Promise<void> {
  const file = join(mkdtempSync(join(tmpdir(), 'apiban-docs-yaml-')), 'config.yaml');
  writeFileSync(file, text);
  const result = await runCli(['-c', file, 'config', 'check', '--schema-only'], { env });
  expect(result.code, `${result.stdout}${result.stderr}`).to.equal(0);
}

describe('docs: every snippet runs as written', function () {
  this.timeout(120_000);
  const blocks = markdownFiles().flatMap((file) => fencedBlocks(file));

  it('finds the snippets (the reader is not silently reading nothing)', () => {
    expect(blocks.filter((b) => b.lang === 'yaml').length).to.be.at.least(4);
    expect(blocks.filter((b) => SHELL.has(b.lang)).length).to.be.at.least(4);
  });

  for (const block of blocks.filter((b) => b.lang === 'yaml')) {
    it(`${block.file}:${block.line}: the yaml block passes config check with the variables its section names`, async () => {
      const names = variablesOf(block.body);
      for (const name of names) expect(block.prose, `the text around ${block.file}:${block.line} must say to set ${name}`).to.include(name);
      await configCheck(block.body, Object.fromEntries(names.map((name) => [name, `docs-test-${name.toLowerCase()}`])));
    });
  }

  it('contrib/ holds only files a docs test loads', () => {
    expect(filesUnder(join(REPO_ROOT, 'contrib')).sort()).to.deep.equal([
      'contrib/apiban-exporter.sample.yaml', // config check below; serve in deploy.slow.test.ts
      'contrib/fail2ban/action.d/apiban-exporter.conf', // run by Debian's fail2ban in contrib/fail2ban.slow.test.ts
      'contrib/fail2ban/jail.d/apiban-exporter.conf', // the jail of that same test
      'contrib/kamailio/apiban-exporter.cfg', // run unchanged by Debian's Kamailio in contrib/kamailio.slow.test.ts
      'contrib/nginx.conf', // run in front of serve by a real nginx in serve/nginx.slow.test.ts
      'contrib/systemd/apiban-exporter.service', // installed, verified and run in deploy.slow.test.ts
    ]);
  });

  it('contrib/apiban-exporter.sample.yaml: its own check command passes, with its secrets as systemd credentials', async () => {
    const sample = readFileSync(join(REPO_ROOT, 'contrib', 'apiban-exporter.sample.yaml'), 'utf8');
    // biome-ignore lint/suspicious/noTemplateCurlyInString: the config's own ${VAR} substitution, not a template
    expect(variablesOf(sample), 'secrets come from ${CREDENTIALS_DIRECTORY} only').to.deep.equal(['CREDENTIALS_DIRECTORY']);
    const command = present(/^# {3}(apiban-exporter .*config check.*)$/m.exec(sample)?.[1], "the sample's check command");
    const credentials = mkdtempSync(join(tmpdir(), 'apiban-docs-credentials-'));
    for (const name of ['apiban-key', 'feed-password', 'feed-path-token', 'feed-bearer-token'])
      writeFileSync(join(credentials, name), `docs-test-${name}-0123456789abcdef\n`, { mode: 0o600 });
    const args = command
      .split(/\s+/)
      .slice(1)
      .map((word) => word.replace('/etc/apiban-exporter/config.yaml', join(REPO_ROOT, 'contrib', 'apiban-exporter.sample.yaml')))
      .map((word) => word.replace('/etc/apiban-exporter/credentials', credentials));
    const result = await runCli(args, { env: { APIBAN_STATE_DIR: join(credentials, 'state') } });
    expect(result.code, `${result.stdout}${result.stderr}`).to.equal(0);
  });

  it('every shell block is run by a docs test or says why it cannot run offline', () => {
    for (const block of blocks.filter((b) => SHELL.has(b.lang))) {
      const where = `${block.file}:${block.line}`;
      expect(block.marker, `${where} has no "<!-- docs-test: ... -->" line`).to.be.a('string');
      if (!/^skip \(.+\)$/.test(present(block.marker, 'the block marker'))) expect(RUN_BY_TESTS, where).to.include(block.marker);
    }
    const named = blocks.map((b) => b.marker).filter((m) => m !== undefined && !m.startsWith('skip'));
    expect(named.sort()).to.deep.equal([...RUN_BY_TESTS].sort());
  });
});
