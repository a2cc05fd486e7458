/** loadConfig loads the writers and drivers a configuration names, and nothing else. */
import { expect } from 'chai';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { CONFIG_REGISTRIES } from '../../src/cli/load-config.js';
import { loadConfig, type ConfigRegistryLoaders, type RegistryLoader } from '../../src/config/load.js';
import { ConfigError } from '../../src/errors.js';

/** The project's registries, recording which names each load asked for. */
function recordingRegistries(): { registries: ConfigRegistryLoaders; asked: { targets: string[]; drivers: string[] } } {
  const asked = { targets: [] as string[], drivers: [] as string[] };
  const recording = <E>(registry: RegistryLoader<E>, names: string[]): RegistryLoader<E> => ({
    names: registry.names,
    load: (wanted) => {
      names.push(...wanted);
      return registry.load(wanted);
    },
  });
  return {
    registries: {
      targets: recording(CONFIG_REGISTRIES.targets, asked.targets),
      drivers: recording(CONFIG_REGISTRIES.drivers, asked.drivers),
    },
    asked,
  };
}

describe('cli/load-config', () => {
  let dir: string;
  beforeEach(() => {
    dir = mkdtempSync(join(tmpdir(), 'apiban-load-config-'));
  });
  afterEach(() => rmSync(dir, { recursive: true, force: true }));

  const file = (config: unknown) => {
    const path = join(dir, 'config.json');
    writeFileSync(path, JSON.stringify(config));
    return path;
  };

  it('asks the registries for the targets and drivers the file names only', async () => {
    const { registries, asked } = recordingRegistries();
    const config = {
      outputs: [
        { name: 'edl', target: 'plain' },
        { name: 'asa', target: 'cisco-asa' },
      ],
      push: { devices: [{ name: 'fw', driver: 'pf', host: '192.0.2.1' }] },
    };
    const loaded = await loadConfig(file(config), {}, registries);
    expect(asked).to.deep.equal({ targets: ['plain', 'cisco-asa'], drivers: ['pf'] });
    expect(loaded.config.outputs.map((o) => o.path)).to.deep.equal(['/edl.txt', '/asa.txt']);
    expect(loaded.config.push.devices[0].settings).to.include({ sudo: false });
  });

  it('asks for nothing without outputs or devices, and names every known entry for an unknown one', async () => {
    const { registries, asked } = recordingRegistries();
    await loadConfig(undefined, {}, registries);
    expect(asked).to.deep.equal({ targets: [], drivers: [] });
    const error = await loadConfig(file({ outputs: [{ name: 'x', target: 'nosuch' }] }), {}, registries).catch((e: unknown) => e);
    expect(error).to.be.instanceOf(ConfigError);
    expect((error as ConfigError).problems).to.deep.equal([
      `outputs[0].target: unknown target "nosuch"; supported: ${CONFIG_REGISTRIES.targets.names.join(', ')}`,
    ]);
  });
});
