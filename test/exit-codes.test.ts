/**
 * Exit codes: README's table is the code's (src/errors.ts EXIT), every code the code sets comes
 * from that table, and the CLI's usage mistakes end as the table says: a wrong option value is
 * one `--option: problem` line and exit 2, an unknown option or command exit 64, each with the
 * closest name.
 */
import { expect } from 'chai';
import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { EXIT, exitCodesMarkdown } from '../src/errors.js';
import { runCli } from './helpers/cli.js';
import { REPO_ROOT } from './helpers/paths.js';
import { present } from './helpers/present.js';

function sourceFiles(dir: string): string[] {
  return readdirSync(join(REPO_ROOT, dir), { withFileTypes: true, recursive: true })
    .filter((entry) => entry.isFile() && entry.name.endsWith('.ts'))
    .map((entry) => join(entry.parentPath, entry.name));
}

describe('exit codes', function () {
  this.timeout(30_000);

  it("README's table is exitCodesMarkdown(), generated from src/errors.ts", () => {
    const readme = readFileSync(join(REPO_ROOT, 'README.md'), 'utf8');
    const table = /<!-- exit-codes:start -->\n([\s\S]*?)<!-- exit-codes:end -->/.exec(readme)?.[1];
    expect(present(table, 'the exit-codes markers in README.md').trim()).to.equal(exitCodesMarkdown());
  });

  it('sets no exit code that is not in the table', () => {
    const codes = new Set<number>(Object.values(EXIT));
    const found: string[] = [];
    for (const file of sourceFiles('src')) {
      for (const match of readFileSync(file, 'utf8').matchAll(/exitCode\s*=\s*(\d+)|process\.exit\((\d+)\)/g)) {
        const code = Number(match[1] ?? match[2]);
        if (!codes.has(code)) found.push(`${file}: ${match[0]}`);
      }
    }
    expect(found).to.deep.equal([]);
    // The error classes take theirs from the table by name, never as a bare number.
    expect(readFileSync(join(REPO_ROOT, 'src', 'errors.ts'), 'utf8')).not.to.match(/exitCode(: number)? = \d/);
  });

  it('answers a mistyped target with one line, the closest name and exit 2', async () => {
    const result = await runCli(['export', '-t', 'pfsens']);
    expect(result.code).to.equal(EXIT.config);
    expect(result.stderr.trim()).to.equal(
      '--target: "pfsens" is not a target; did you mean "pfsense"? (`apiban-exporter targets` lists them)',
    );
    expect(result.stdout).to.equal('');
  });

  it('answers an unknown option or command with the closest one and exit 64, without the whole help', async () => {
    const option = await runCli(['serve', '--lsten', '127.0.0.1:0']);
    expect(option.code).to.equal(EXIT.usage);
    expect(option.stderr).to.include("unknown option '--lsten'").and.include('Did you mean --listen?');
    const command = await runCli(['expor']);
    expect(command.code).to.equal(EXIT.usage);
    expect(command.stderr).to.include("unknown command 'expor'").and.include('Did you mean export?');
    for (const result of [option, command]) expect(result.stderr.split('\n').length).to.be.below(5);
  });

  it("lists the global options in each command's --help", async () => {
    for (const command of ['serve', 'export', 'config check', 'push']) {
      const help = await runCli([...command.split(' '), '--help']);
      expect(help.code, command).to.equal(0);
      expect(help.stdout, command).to.include('Global Options:').and.include('--config <file>').and.include('--log-level <level>');
    }
  });
});
