/**
 * `check IP` and `history` on edge bans, through the real CLI, from a state directory whose journal
 * the ingest endpoint wrote (serve is not running): which client banned an address, when, and when
 * it expires or how it ended; per client, the live bans, the last ban and what ended.
 */
import { expect } from 'chai';
import { mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { runCli } from '../helpers/cli.js';
import { call, startEndpoint, TestClock } from '../ingest/support.js';
import { tempDir } from '../sync/support.js';

describe('cli check and history: edge bans from the journal', function () {
  this.timeout(60_000);
  let dir: ReturnType<typeof tempDir>;
  let configFile: string;
  const iso = (ms: number) => new Date(ms).toISOString();
  const start = Date.now() - 3_600_000;
  const cli = (...args: string[]) => runCli(['-c', configFile, ...args], { env: { APIBAN_STATE_DIR: join(dir.path, 'state') } });

  before(async () => {
    dir = tempDir();
    const list = join(dir.path, 'list.txt');
    writeFileSync(list, '203.0.113.5\n');
    configFile = join(dir.path, 'config.json');
    writeFileSync(
      configFile,
      JSON.stringify({
        sources: [{ name: 'manual', file: list }],
        ingest: {
          listen: '127.0.0.1:0',
          clients: [
            { name: 'sbc1', allow: ['127.0.0.1/32'] },
            { name: 'sbc2', allow: ['127.0.0.2/32'] },
          ],
        },
      }),
    );
    mkdirSync(join(dir.path, 'state'));
    const clock = new TestClock(start);
    const endpoint = await startEndpoint({}, { stateDir: join(dir.path, 'state'), clock });
    const sbc2 = { localAddress: '127.0.0.2' };
    await call(`${endpoint.base}/blockip/198.51.100.7?ttl=24h`);
    await call(`${endpoint.base}/blockip/198.51.100.20?ttl=60`);
    await call(`${endpoint.base}/blockip/203.0.113.77`, sbc2);
    await call(`${endpoint.base}/blockip/192.0.2.99`, sbc2);
    clock.at += 60_000;
    await call(`${endpoint.base}/blockip/198.51.100.7`);
    await call(`${endpoint.base}/removeip/203.0.113.77`, sbc2);
    clock.at += 60_000;
    await call(`${endpoint.base}/flushchain`, sbc2);
    await endpoint.close();
  });
  after(() => dir.remove());

  it('check names the client that banned a live address, when, and when it expires', async () => {
    const result = await cli('check', '198.51.100.7');
    expect(result.code, result.stderr).to.equal(0);
    const lines = result.stdout.trim().split('\n');
    expect(lines[0]).to.equal('198.51.100.7: listed (published as 198.51.100.7)');
    expect(lines).to.include(
      `  edge:sbc1 198.51.100.7: banned ${iso(start)}, last blocked ${iso(start + 60_000)}, expires ${iso(start + 86_400_000)}`,
    );
    const json = JSON.parse((await cli('--json', 'check', '198.51.100.7')).stdout);
    expect(json.listed).to.equal(true);
    expect(json.edge).to.deep.equal([
      { client: 'sbc1', ban: '198.51.100.7', since: iso(start), lastBlocked: iso(start + 60_000), until: iso(start + 86_400_000) },
    ]);
  });

  it('check says how an edge ban ended: expired, removed or flushed by its client (not listed any more)', async () => {
    const ended = async (address: string) => {
      const result = await cli('check', address);
      expect(result.code, result.stdout).to.equal(1);
      return result.stdout.split('\n').filter((line) => line.startsWith('  edge:'));
    };
    expect(await ended('198.51.100.20')).to.deep.equal([`  edge:sbc1 198.51.100.20: banned ${iso(start)}, expired ${iso(start + 60_000)}`]);
    expect(await ended('203.0.113.77')).to.deep.equal([
      `  edge:sbc2 203.0.113.77: banned ${iso(start)}, removed by sbc2 ${iso(start + 60_000)}`,
    ]);
    expect(await ended('192.0.2.99')).to.deep.equal([
      `  edge:sbc2 192.0.2.99: banned ${iso(start)}, flushed by sbc2 ${iso(start + 120_000)}`,
    ]);
  });

  it('check of a network lists the edge bans inside it and counts the live one as published', async () => {
    const result = await cli('check', '198.51.100.0/24');
    expect(result.code, result.stderr).to.equal(0);
    expect(result.stdout).to.match(/^198\.51\.100\.0\/24: partly covered: 1 of its 256 addresses are banned/);
    expect(result.stdout).to.include('  edge:sbc1 198.51.100.7: banned').and.include('  edge:sbc1 198.51.100.20: banned');
  });

  it('history shows each client: live bans, last ban, and what began and ended in the time', async () => {
    const result = await cli('history', '--since', '2h');
    expect(result.code, result.stderr).to.equal(0);
    const lines = result.stdout.trim().split('\n');
    const at = lines.indexOf('edge bans (edge-bans.jsonl):');
    expect(at).to.be.greaterThan(-1);
    expect(lines[at + 1]).to.match(
      new RegExp(
        `^ {2}sbc1: 1 live, last ban 198\\.51\\.100\\.7 ${iso(start + 60_000)}; since .*Z: 2 banned, 1 expired, 0 removed, 0 flushed$`,
      ),
    );
    expect(lines).to.include(`    198.51.100.20: banned ${iso(start)}, expired ${iso(start + 60_000)}`);
    const sbc2 = lines.find((line) => line.startsWith('  sbc2: '));
    expect(sbc2).to.match(/^ {2}sbc2: 0 live, last ban 192\.0\.2\.99 .*: 2 banned, 0 expired, 1 removed, 1 flushed$/);
    const json = JSON.parse((await cli('--json', 'history', '--since', '2h')).stdout);
    expect(json.edge.map((c: { client: string; live: number }) => [c.client, c.live])).to.deep.equal([
      ['sbc1', 1],
      ['sbc2', 0],
    ]);
  });

  it('history leaves out what ended before --since', async () => {
    const json = JSON.parse((await cli('--json', 'history', '--since', '1m')).stdout);
    expect(json.edge[0]).to.deep.include({ client: 'sbc1', live: 1, banned: 0, ended: { expired: 0, removed: 0, flushed: 0 } });
    expect(json.edge[0].bans.map((b: { ban: string }) => b.ban)).to.deep.equal(['198.51.100.7']);
  });
});
