import { expect } from 'chai';
import { mkdtempSync, readFileSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { parseListText } from '../../src/banset/list-bytes.js';
import { applyPolicy, DEFAULT_POLICY } from '../../src/banset/policy.js';
import { renderOutput } from '../../src/writers/render.js';
import { TARGETS } from '../helpers/registries.js';
import { runCli } from '../helpers/cli.js';
import { fixture } from '../helpers/paths.js';
import { present } from '../helpers/present.js';

describe('cli/export', () => {
  let dir: string;
  beforeEach(() => {
    dir = mkdtempSync(join(tmpdir(), 'apiban-export-'));
  });
  const env = () => ({ APIBAN_STATE_DIR: join(dir, 'state') });

  it('renders the bundled sample with no key and says so', async () => {
    const result = await runCli(['export', '--target', 'pfsense'], { env: env() });
    expect(result.code, result.stderr).to.equal(0);
    const sample = applyPolicy(parseListText(readFileSync(fixture('sample', 'apiban-sample.txt'), 'utf8'), 'sample'), DEFAULT_POLICY).bans;
    expect(sample.size).to.be.above(10);
    expect(result.stdout).to.equal(
      renderOutput(present(TARGETS.get('pfsense'), 'the pfsense target'), sample, { header: true, placeholder: null }),
    );
    expect(result.stderr).to.match(/bundled sample/);
  });

  it('writes the file atomically, readable by a web server', async () => {
    const out = join(dir, 'www', 'apiban.txt');
    const result = await runCli(['export', '--target', 'opnsense', '--out', out, '--json'], { env: env() });
    expect(result.code, result.stderr).to.equal(0);
    expect(readFileSync(out, 'utf8')).to.match(/^# APIBAN banned SIP sources/);
    expect(statSync(out).mode & 0o777).to.equal(0o644);
    expect(JSON.parse(result.stdout)).to.include({ target: 'opnsense', source: 'sample', out });
  });

  it('takes writer options and a configured output, and rejects bad ones with the field named', async () => {
    const withPlaceholder = await runCli(['export', '--target', 'plain', '-o', 'header=false'], { env: env() });
    expect(withPlaceholder.stdout).not.to.match(/^#/);
    const config = join(dir, 'config.yaml');
    writeFileSync(config, 'outputs:\n  - name: edge\n    target: plain\n    families: v6\n');
    const configured = await runCli(['-c', config, 'export', '--output', 'edge'], { env: env() });
    expect(configured.code, configured.stderr).to.equal(0);
    expect(
      configured.stdout
        .split('\n')
        .filter((l) => l && !l.startsWith('#'))
        .every((l) => l.includes(':')),
    ).to.equal(true);
    const bad = await runCli(['export', '--target', 'plain', '-o', 'placeholder=10.0.0.1; reboot'], { env: env() });
    expect(bad.code).to.equal(2);
    expect(bad.stderr).to.include('--option placeholder: must be a strict IPv4/IPv6 address or CIDR');
    const unknown = await runCli(['export', '--target', 'nope'], { env: env() });
    expect(unknown.code).to.equal(2);
    expect(unknown.stderr).to.include('--target: "nope" is not a target');
  });

  it('refuses an empty list unless told to', async () => {
    const config = join(dir, 'config.yaml');
    writeFileSync(config, 'policy:\n  allowlist: ["192.0.2.0/24", "198.51.100.0/24", "203.0.113.0/24", "2001:db8::/32"]\n');
    const refused = await runCli(['-c', config, 'export', '--target', 'plain'], { env: env() });
    expect(refused.code).to.equal(5);
    expect(refused.stderr).to.include('refusing to publish an empty list');
    expect(refused.stdout).to.equal('');
    const allowed = await runCli(['-c', config, 'export', '--target', 'plain', '--allow-empty'], { env: env() });
    expect(allowed.code, allowed.stderr).to.equal(0);
    expect(allowed.stdout).to.match(/entries=0/);
  });

  it('renders a given list (file or stdin) through the policy, without state or the sample, and drops invalid lines', async () => {
    const list = join(dir, 'mylist.txt');
    const lines = [
      '198.51.100.1',
      '198.51.100.2',
      '198.51.100.3',
      '10.0.0.1',
      'not-an-ip',
      `${'x'.repeat(200)}`,
      '2001:db8::1',
      '# comment',
    ];
    writeFileSync(list, `${lines.join('\n')}\n`);
    const config = join(dir, 'config.yaml');
    writeFileSync(config, 'policy:\n  allowlist: ["198.51.100.3"]\n');
    const fromFile = await runCli(['-c', config, '--log-format', 'json', 'export', '-t', 'cisco-asa', '--aggregate', '--input', list], {
      env: env(),
    });
    expect(fromFile.code, fromFile.stderr).to.equal(0);
    const expected = applyPolicy(parseListText('198.51.100.1\n198.51.100.2\n2001:db8::1\n', 'x'), {
      ...DEFAULT_POLICY,
      aggregate: true,
    }).bans;
    expect(fromFile.stdout).to.equal(
      renderOutput(
        present(TARGETS.get('cisco-asa'), 'the cisco-asa target'),
        expected,
        present(TARGETS.get('cisco-asa'), 'the cisco-asa target').options.parse({}),
      ),
    );
    expect(fromFile.stderr).not.to.match(/sample/);
    const warning = fromFile.stderr
      .split('\n')
      .filter(Boolean)
      .map((l) => JSON.parse(l))
      .find((l) => l.level === 40);
    expect(warning).to.include({ invalid: 2, input: list });
    expect(warning.examples.map((e: { entry: string }) => e.entry)).to.deep.equal(['not-an-ip', 'x'.repeat(60)]);
    const fromStdin = await runCli(['-c', config, 'export', '-t', 'cisco-asa', '--aggregate', '--input', '-'], {
      env: env(),
      input: readFileSync(list, 'utf8'),
    });
    expect(fromStdin.code, fromStdin.stderr).to.equal(0);
    expect(fromStdin.stdout).to.equal(fromFile.stdout);
    const missing = await runCli(['export', '-t', 'plain', '--input', join(dir, 'nope.txt')], { env: env() });
    expect(missing.code).to.equal(2);
    expect(missing.stderr).to.include('--input: cannot read');
    const empty = await runCli(['export', '-t', 'plain', '--input', '-'], { env: env(), input: '# nothing\n' });
    expect(empty.code).to.equal(5);
  });

  it('counts what the file holds, per family (iptables writes one family per file)', async () => {
    const result = await runCli(
      ['--log-format', 'json', 'export', '-t', 'iptables', '--input', '-', '--json', '--out', join(dir, 'v4.rules')],
      {
        env: env(),
        input: '198.51.100.1\n198.51.100.9\n2001:db8::1\n2001:db8::2\n2001:db8::3\n',
      },
    );
    expect(result.code, result.stderr).to.equal(0);
    expect(JSON.parse(result.stdout)).to.include({ entries: 2, v4: 2, v6: 0 });
    expect(result.stderr).to.include('exported 2 entries (v4 2, v6 0) for iptables');
    expect(readFileSync(join(dir, 'v4.rules'), 'utf8').match(/^-A /gm)).to.have.length(2);
  });
});
