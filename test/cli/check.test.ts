import { expect } from 'chai';
import { readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { runCli } from '../helpers/cli.js';
import { startFakeApiban, type FakeApiban } from '../helpers/fake-apiban.js';
import { tempDir } from '../sync/support.js';

describe('cli check', function () {
  this.timeout(60_000);
  let fake: FakeApiban;
  let dir: ReturnType<typeof tempDir>;
  let configFile: string;
  const env = () => ({ APIBAN_KEY: fake.key, APIBAN_STATE_DIR: join(dir.path, 'state') });
  const check = (...args: string[]) => runCli(['-c', configFile, 'check', ...args], { env: env() });

  before(async () => {
    dir = tempDir();
    // 198.18.0.1 to .255: all of 198.18.0.0/24 but its first address.
    const network = Array.from({ length: 255 }, (_, i) => `198.18.0.${i + 1}`);
    fake = await startFakeApiban({ addresses: ['198.51.100.7', '203.0.113.9', '10.0.0.1', '192.0.2.44', ...network] });
    const manual = join(dir.path, 'manual.txt');
    writeFileSync(manual, '203.0.113.128/25\n');
    configFile = join(dir.path, 'config.json');
    writeFileSync(
      configFile,
      JSON.stringify({
        apiban: { baseUrl: fake.url, budget: { requests: 50, window: '1s' } },
        sources: [{ name: 'manual', file: manual }],
        policy: { allowlist: ['192.0.2.44'] },
      }),
    );
    const synced = await runCli(['-c', configFile, 'sync'], { env: env() });
    expect(synced.code, synced.stderr).to.equal(0);
  });
  after(async () => {
    await fake.close();
    dir.remove();
  });

  it('shows an APIBAN address with its first and last sighting, and what APIBAN says', async () => {
    const result = await check('198.51.100.7');
    expect(result.code, result.stderr).to.equal(0);
    const lines = result.stdout.trim().split('\n');
    expect(lines[0]).to.equal('198.51.100.7: listed (published as 198.51.100.7)');
    expect(lines[1]).to.match(/^ {2}APIBAN 198\.51\.100\.7: first seen \d{4}-.*Z, last seen \d{4}-.*Z$/);
    expect(lines.at(-1)).to.match(/^APIBAN check: listed \(ID \d+\)$/);
  });

  it('does not ask APIBAN when sync or serve spent the budget window, and says when to try again', async () => {
    const journal = join(dir.path, 'state', 'requests.json');
    const before = readFileSync(journal, 'utf8');
    try {
      writeFileSync(journal, JSON.stringify({ times: Array.from({ length: 50 }, () => Date.now() + 500) }));
      const asked = fake.requests.length;
      const result = await check('198.51.100.7');
      expect(fake.requests.length, 'no request sent').to.equal(asked);
      expect(result.code).to.equal(3);
      expect(result.stdout).to.include('198.51.100.7: listed');
      expect(result.stdout).to.match(/APIBAN check failed: not asked: sync or serve used all 50 requests .* try again in [12] s/);
    } finally {
      writeFileSync(journal, before);
    }
  });

  it('names the local source and the covering network', async () => {
    const result = await runCli(['-c', configFile, '--json', 'check', '203.0.113.200', '--no-remote'], { env: env() });
    const answer = JSON.parse(result.stdout) as Record<string, unknown>;
    expect(answer).to.deep.include({ query: '203.0.113.200', listed: true, publishedAs: '203.0.113.128/25' });
    expect(answer.listedBy).to.deep.equal([{ source: 'local', name: 'manual', entry: '203.0.113.128/25' }]);
    expect(answer.apiban).to.equal(undefined);
  });

  it('explains why a listed address is not published', async () => {
    expect((await check('10.0.0.1', '--no-remote')).stdout).to.match(/^10\.0\.0\.1: not listed: protected range \(10\.0\.0\.0\/8\)/);
    expect((await check('192.0.2.44', '--no-remote')).stdout).to.match(/^192\.0\.2\.44: not listed: allowlisted \(192\.0\.2\.44\)/);
  });

  it('reports an address nobody lists, locally and on APIBAN, with exit code 1 as grep', async () => {
    const result = await check('198.51.100.99');
    expect(result.code).to.equal(1);
    expect(result.stdout).to.match(/^198\.51\.100\.99: not listed\n/);
    expect(result.stdout).to.include('APIBAN check: not listed');
    expect(fake.requests.filter((r) => r.operation === 'check').map((r) => r.authorization)).to.include(`Bearer ${fake.key}`);
  });

  it('refuses something that is not an address or CIDR with exit code 2, naming it', async () => {
    for (const input of ['192.0.2.1; reload', '1.2.3', '198.18.0.1/24']) {
      const result = await check(input);
      expect(result.code, input).to.equal(2);
      expect(result.stderr).to.match(
        new RegExp(`^\\[config\\] command line: 1 problem\\(s\\)\n {2}<ip> ${JSON.stringify(input).replace(/[.()]/g, '\\$&')}: `),
      );
      expect(result.stdout).to.equal('');
    }
  });

  it('sums up a partly covered network: how many addresses, which entries, since when, its history in a few lines', async () => {
    const result = await check('198.18.0.0/24');
    expect(result.code, result.stderr).to.equal(0);
    const lines = result.stdout.trim().split('\n');
    expect(lines[0]).to.equal(
      '198.18.0.0/24: partly covered: 255 of its 256 addresses are banned, by 255 entries published inside it (e.g. 198.18.0.1, 198.18.0.2, 198.18.0.3)',
    );
    expect(lines[1]).to.match(
      /^ {2}APIBAN: 255 entries inside \(e\.g\. 198\.18\.0\.1, 198\.18\.0\.2, 198\.18\.0\.3\), first seen \d{4}-.*Z, last seen \d{4}-.*Z$/,
    );
    const history = lines.findIndex((line) => line.startsWith('  history: '));
    expect(lines[history]).to.match(/^ {2}history: 255 changes from \S+Z to \S+Z/);
    expect(lines[history + 1]).to.match(
      /^ {4}listed: 255 change\(s\) to 255 entries, first \S+Z, last \S+Z \(e\.g\. 198\.18\.0\.1, 198\.18\.0\.2, 198\.18\.0\.3\)$/,
    );
    expect(lines, 'a network is a few lines, not one per address').to.have.length.below(8);
    expect(lines.at(-1), 'a network is not put to APIBAN').not.to.match(/^APIBAN check/);
  });

  it('says covered when one published entry holds the whole network, and not listed (exit 1) when none of it is', async () => {
    const covered = await check('203.0.113.128/26', '--no-remote');
    expect(covered.code).to.equal(0);
    expect(covered.stdout).to.match(
      /^203\.0\.113\.128\/26: covered \(published as 203\.0\.113\.128\/25\)\n {2}local source manual: 203\.0\.113\.128\/25\n/,
    );
    const none = await check('198.18.1.0/24', '--no-remote');
    expect(none.code).to.equal(1);
    expect(none.stdout).to.match(/^198\.18\.1\.0\/24: not listed\n/);
  });

  it('answers --json with the coverage, counts (exact past 2^53) and a summed-up history', async () => {
    const json = async (...args: string[]) => {
      const result = await runCli(['-c', configFile, '--json', 'check', ...args, '--no-remote'], { env: env() });
      return { code: result.code, answer: JSON.parse(result.stdout) as Record<string, unknown> & { history: Record<string, unknown> } };
    };
    const partly = await json('198.18.0.0/24');
    expect(partly.code).to.equal(0);
    expect(partly.answer).to.deep.include({
      query: '198.18.0.0/24',
      listed: true,
      coverage: 'partly-covered',
      addresses: 256,
      bannedAddresses: 255,
    });
    expect(partly.answer.publishedInside).to.deep.equal({ entries: 255, examples: ['198.18.0.1', '198.18.0.2', '198.18.0.3'] });
    expect(partly.answer.history).to.include({ changes: 255 });
    expect(partly.answer.history.byChange).to.have.nested.property('listed.entries', 255);
    expect(partly.answer.history.recent).to.have.length(5);
    const wide = await json('2001:db8::/32');
    expect(wide.code).to.equal(1);
    expect(wide.answer).to.deep.include({ coverage: 'not-listed', listed: false, addresses: (2n ** 96n).toString(), bannedAddresses: 0 });
  });

  it('works with no key and no state from the bundled sample', async () => {
    const empty = tempDir();
    try {
      const result = await runCli(['check', '192.0.2.10'], { env: { APIBAN_STATE_DIR: empty.path } });
      expect(result.code, result.stderr).to.equal(0);
      expect(result.stdout).to.include('192.0.2.10: listed');
      expect(result.stdout).to.include('bundled sample list: 192.0.2.10');
    } finally {
      empty.remove();
    }
  });
});
