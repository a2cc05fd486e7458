/**
 * `push --watch` as a child process: it pushes only to the devices the command line selects, and
 * syncs no faster than serve would (the same interval clamp), whatever sync.interval says.
 */
import { expect } from 'chai';
import { spawn } from 'node:child_process';
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { stringify } from 'yaml';
import { FakeIptablesApi } from '../helpers/fake-iptables-api.js';
import { startFakeApiban, type FakeApiban } from '../helpers/fake-apiban.js';
import { CLI_ARGS } from '../helpers/paths.js';
import { waitFor } from '../helpers/serve-process.js';
import { present } from '../helpers/present.js';

const KEY = 'push-watch-key-4e21';

describe('cli push --watch', function () {
  this.timeout(30_000);
  let fake: FakeApiban;
  let daemons: FakeIptablesApi[];
  let dir: string;

  beforeEach(async () => {
    fake = await startFakeApiban({ key: KEY, addresses: ['192.0.2.10', '198.51.100.20'] });
    daemons = [await new FakeIptablesApi().start(), await new FakeIptablesApi().start()];
    dir = mkdtempSync(join(tmpdir(), 'apiban-push-watch-'));
  });
  afterEach(async () => {
    for (const daemon of daemons) await daemon.stop();
    await fake.close();
  });

  function start(args: string[]) {
    const config = join(dir, 'config.yaml');
    writeFileSync(
      config,
      stringify({
        // biome-ignore lint/suspicious/noTemplateCurlyInString: the config's own ${VAR} substitution, not a template
        apiban: { key: '${FAKE_KEY}', baseUrl: fake.url },
        state: { dir: join(dir, 'state') },
        sync: { interval: '200ms' },
        push: {
          devices: daemons.map((d, i) => ({
            name: `api${i}`,
            driver: 'iptables-api',
            host: '127.0.0.1',
            port: d.port,
            groups: [`g${i}`],
            settings: { ledger: join(dir, `ledger-${i}.json`) },
          })),
        },
      }),
    );
    const child = spawn(process.execPath, [...CLI_ARGS, '-c', config, '--log-format', 'json', 'push', '--watch', ...args], {
      env: { PATH: process.env.PATH, HOME: process.env.HOME, FAKE_KEY: KEY },
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    let stderr = '';
    child.stderr.on('data', (chunk: Buffer) => {
      stderr += chunk;
    });
    const exited = new Promise<number | null>((resolve) => child.on('exit', resolve));
    return { child, exited, stderr: () => stderr };
  }

  it('pushes only to the selected devices and syncs no faster than the clamped interval', async () => {
    const watcher = start(['--device', 'api1']);
    try {
      await waitFor(async () => daemons[1].chain().length === 2, 'the first push to api1', 20_000);
      const watching = watcher
        .stderr()
        .split('\n')
        .find((l) => l.includes('"watching"'));
      expect(JSON.parse(present(watching, 'the watching log line'))).to.deep.include({ intervalMs: 60_000, devices: ['api1'] });
      const syncRequests = fake.requests.length;
      await new Promise((resolve) => setTimeout(resolve, 1500));
      expect(fake.requests.length, 'no sync every 200 ms').to.equal(syncRequests);
      expect(daemons[0].requests, 'api0 was not selected').to.deep.equal([]);
    } finally {
      watcher.child.kill('SIGTERM');
      await watcher.exited;
    }
  });

  it('without a selection pushes to push.schedule.select, like serve', async () => {
    const watcher = start(['--min-interval', '100ms']);
    try {
      await waitFor(async () => watcher.stderr().includes('"watching"'), 'the watching line', 20_000);
      const watching = watcher
        .stderr()
        .split('\n')
        .find((l) => l.includes('"watching"'));
      // 11 requests per 2 minutes (the default budget): two requests per sync leave one sync per 21.8 s
      expect(JSON.parse(present(watching, 'the watching log line'))).to.deep.include({
        intervalMs: Math.ceil((2 * 120_000) / 11),
        devices: ['api0', 'api1'],
      });
      await waitFor(async () => daemons[0].chain().length === 2 && daemons[1].chain().length === 2, 'both pushed', 20_000);
    } finally {
      watcher.child.kill('SIGTERM');
      await watcher.exited;
    }
  });
});
