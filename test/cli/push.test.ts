import { expect } from 'chai';
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { stringify } from 'yaml';
import { runCli } from '../helpers/cli.js';
import { startCiscoIos, type IosSimulator } from '../helpers/sim-cisco-ios.js';
import { simulatorDevice } from '../helpers/cli-config.js';
import type { DeviceResult } from '../../src/fleet/device-result.js';

describe('cli push', function () {
  this.timeout(20_000);
  let sim: IosSimulator;
  let dir: string;
  let config: string;
  const env = () => ({ APIBAN_STATE_DIR: join(dir, 'state'), ROUTER_PW: 'r-pw-5150' });

  beforeEach(async () => {
    sim = await startCiscoIos({ auth: { username: 'ops', password: 'r-pw-5150' } });
    dir = mkdtempSync(join(tmpdir(), 'apiban-push-cli-'));
    config = join(dir, 'config.yaml');
    writeFileSync(
      config,
      stringify({
        sources: [{ name: 'sample', sample: true }],
        push: {
          devices: [simulatorDevice(sim.device, { name: 'edge1', driver: 'cisco-ios', passwordEnv: 'ROUTER_PW', groups: ['edge'] })],
        },
      }),
    );
  });
  afterEach(() => sim.device.close());

  it('dry run prints the commands and changes nothing; a push then applies them and a second push sends nothing', async () => {
    const dry = await runCli(['-c', config, 'push', '--group', 'edge', '--dry-run'], { env: env() });
    expect(dry.code, dry.stderr).to.equal(0);
    expect(dry.stdout)
      .to.contain('configure terminal')
      .and.contain('object-group network APIBAN-V4')
      .and.match(/planned/);
    expect(sim.model.groups.size).to.equal(0);

    const push = await runCli(['-c', config, '--json', 'push', '--device', 'edge1'], { env: env() });
    expect(push.code, push.stderr).to.equal(0);
    const [result] = JSON.parse(push.stdout) as DeviceResult[];
    expect(result.result).to.equal('changed');
    const held = sim.model.entries('APIBAN-V4').length + sim.model.entries('APIBAN-V6').length;
    expect(result.added).to.be.greaterThan(0).and.equal(held);
    expect(push.stderr).not.to.contain('r-pw-5150');

    const again = await runCli(['-c', config, '--json', 'push', '--all', '--no-sync'], { env: env() });
    expect((JSON.parse(again.stdout) as DeviceResult[])[0]).to.include({ result: 'unchanged', sent: 0 });
  });

  it('exits 6 and names the fingerprint when the host key does not match', async () => {
    const other = await startCiscoIos({ auth: { username: 'ops', password: 'r-pw-5150' } });
    try {
      writeFileSync(
        config,
        stringify({
          sources: [{ name: 'sample', sample: true }],
          push: {
            devices: [
              {
                name: 'edge1',
                driver: 'cisco-ios',
                host: other.device.host,
                port: other.device.port,
                credentials: { username: 'ops', passwordEnv: 'ROUTER_PW' },
                hostKey: { fingerprint: sim.device.fingerprint },
              },
            ],
          },
        }),
      );
      const result = await runCli(['-c', config, 'push', '--all'], { env: env() });
      expect(result.code).to.equal(6);
      expect(result.stdout)
        .to.match(/edge1\s+0\s+0\s+0\s+\S+\s+failed/)
        .and.contain(other.device.fingerprint);
    } finally {
      await other.device.close();
    }
  });

  it('pushes next to a running serve: a locked state directory is read without syncing', async () => {
    const { createSyncService } = await import('../../src/sync/service.js');
    const { loadConfig } = await import('../../src/cli/load-config.js');
    const { silentLogger } = await import('../../src/log.js');
    const holder = await createSyncService(await loadConfig(config, env()), silentLogger);
    try {
      const result = await runCli(['-c', config, '--json', 'push', '--all'], { env: env() });
      expect(result.code, result.stderr).to.equal(0);
      expect(result.stderr).to.contain('is locked by').and.contain('pushing its published set without syncing');
      expect((JSON.parse(result.stdout) as DeviceResult[])[0].result).to.equal('changed');
      expect(sim.model.entries('APIBAN-V4').length).to.be.greaterThan(0);
    } finally {
      await holder.close();
    }
  });

  it('dry run prints the first 50 lines of a long plan and counts the rest; --json has them all', async () => {
    const list = join(dir, 'many.txt');
    writeFileSync(list, `${Array.from({ length: 120 }, (_, i) => `198.51.100.${2 * (i + 1)}`).join('\n')}\n`);
    writeFileSync(
      config,
      stringify({
        sources: [{ name: 'many', file: list }],
        push: { devices: [simulatorDevice(sim.device, { name: 'edge1', driver: 'cisco-ios', passwordEnv: 'ROUTER_PW' })] },
      }),
    );
    const json = await runCli(['-c', config, '--json', 'push', '--all', '--dry-run'], { env: env() });
    const [{ plan }] = JSON.parse(json.stdout) as DeviceResult[];
    expect(plan, 'every command: 120 hosts (none adjacent, so none merged) in one group, and its frame').to.have.length.greaterThan(120);
    const text = await runCli(['-c', config, 'push', '--all', '--dry-run', '--no-sync'], { env: env() });
    expect(text.code, text.stderr).to.equal(0);
    const printed = text.stdout.split('\n');
    const head = printed.indexOf('# edge1 (cisco-ios): +120 -0');
    expect(head, text.stdout).to.be.at.least(0);
    expect(printed.slice(head + 1, head + 52)).to.deep.equal([...(plan ?? []).slice(0, 50), `… ${(plan ?? []).length - 50} more lines`]);
    expect(sim.model.groups.size).to.equal(0);
  });

  it('refuses to run without a device selection', async () => {
    const result = await runCli(['-c', config, 'push'], { env: env() });
    expect(result.code).to.equal(2);
    expect(result.stderr).to.contain('--device, --group, --tag or --all');
  });
});
