/** The driver registry against the targets: a writer with a device dialect is pushable under its own name. */
import { readdirSync } from 'node:fs';
import { expect } from 'chai';
import { DRIVER_NAMES, isDriverName, loadDriver } from '../../../src/push/drivers/index.js';
import { isTargetName, loadTargets } from '../../../targets/index.js';

describe('push/drivers registry', () => {
  it('has a CLI driver for every target with a device dialect', async () => {
    const withDialect = [...(await loadTargets()).values()].filter((writer) => writer.device !== undefined).map((writer) => writer.name);
    expect(withDialect).to.include.members(['cisco-asa', 'cisco-ios', 'junos']);
    expect(withDialect.filter((name) => !isDriverName(name))).to.deep.equal([]);
  });

  it('loads each driver under its own name; a CLI driver wraps the writer of that name', async () => {
    const writers = await loadTargets();
    for (const name of DRIVER_NAMES) {
      const driver = await loadDriver(name);
      expect(driver.name).to.equal(name);
      const writer = isTargetName(name) ? writers.get(name) : undefined;
      if (writer?.device !== undefined) expect(driver.writer).to.equal(writer);
    }
  });

  it("registers every module of src/push/drivers/ that exports a driver, under that driver's name", async () => {
    const directory = new URL('../../../src/push/drivers/', import.meta.url);
    const unregistered: string[] = [];
    for (const file of readdirSync(directory).filter((f) => f.endsWith('.js') && f !== 'index.js')) {
      const exported: unknown = (await import(new URL(file, directory).href)).default;
      if (!isDriver(exported)) continue;
      if (!isDriverName(exported.name) || (await loadDriver(exported.name)) !== exported) unregistered.push(`${file} (${exported.name})`);
    }
    expect(unregistered, 'add a line to DRIVER_MODULES in src/push/drivers/index.ts').to.deep.equal([]);
  });
});

function isDriver(value: unknown): value is { name: string } {
  return typeof value === 'object' && value !== null && 'name' in value && 'settings' in value && 'open' in value;
}
