import { expect } from 'chai';
import { Command, Help } from 'commander';
import { COMMAND_ENTRIES, COMMANDS } from '../../src/cli/commands.js';
import { runCli } from '../helpers/cli.js';

describe('cli/commands', () => {
  it('registers at start-up the same summary and usage the command modules give', async () => {
    const help = new Help();
    for (const entry of COMMAND_ENTRIES) {
      const standIn = new Command('apiban-exporter');
      const real = new Command('apiban-exporter');
      (await entry.load()).register(real);
      COMMANDS[COMMAND_ENTRIES.indexOf(entry)](standIn);
      const [a, b] = [standIn.commands[0], real.commands[0]];
      expect(a.name(), entry.name).to.equal(b.name());
      expect(a.description(), entry.name).to.equal(b.description());
      expect(help.subcommandTerm(a), entry.name).to.equal(help.subcommandTerm(b));
    }
  });

  it('shows the real command help and errors after the stand-in hands over', async () => {
    const viaHelp = await runCli(['help', 'export']);
    const viaFlag = await runCli(['export', '--help']);
    expect(viaHelp.code).to.equal(0);
    expect(viaHelp.stdout).to.equal(viaFlag.stdout);
    expect(viaFlag.stdout).to.include('--target <name>');
    const missing = await runCli(['check']);
    expect(missing.code).to.equal(64);
    expect(missing.stderr).to.include("missing required argument 'ip'");
    const unknown = await runCli(['export', '--bogus']);
    expect(unknown.code).to.equal(64);
    expect(unknown.stderr).to.include("unknown option '--bogus'");
  });
});
