/**
 * The bin's first handlers (holdEarlySignals in src/cli/bin.cts), each in a small child process that plays a
 * command: a SIGHUP held for serve is handed to the handler serve installs later, even after
 * event-loop turns with no handler of its own; any other command ends on SIGHUP as by default; a
 * SIGTERM before the command's handler ends the process by SIGTERM, and after it goes to that
 * handler alone. The real serve's start-up is covered by test/serve/early-signals.slow.test.ts.
 */
import { expect } from 'chai';
import { spawnSync } from 'node:child_process';
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { BUILD_ROOT } from '../helpers/paths.js';
import { tempDir } from '../sync/support.js';

const BIN = join(BUILD_ROOT, 'src', 'cli', 'bin.cjs');

describe('cli: signal handlers from the first statement', () => {
  let dir: ReturnType<typeof tempDir>;
  before(() => {
    dir = tempDir('apiban-early-');
  });
  after(() => dir.remove());

  /** Runs `body` after holdEarlySignals() in a child whose command line is `command`. */
  function run(command: string, body: string): { status: number | null; signal: NodeJS.Signals | null; stdout: string } {
    const script = join(dir.path, `${command}-${Math.random().toString(36).slice(2)}.cjs`);
    writeFileSync(script, `require(${JSON.stringify(BIN)}).holdEarlySignals();\n${body}\n`);
    const result = spawnSync(process.execPath, [script, command], { encoding: 'utf8', timeout: 15_000 });
    return { status: result.status, signal: result.signal, stdout: result.stdout };
  }

  it('holds a SIGHUP to serve across event-loop turns and hands it to the handler serve installs', () => {
    const result = run(
      'serve',
      `process.kill(process.pid, 'SIGHUP');
setTimeout(() => {
  console.log('still running');
  process.on('SIGHUP', () => { console.log('reload'); process.exit(0); });
}, 100);
setTimeout(() => process.exit(3), 5000);`,
    );
    expect(result).to.deep.equal({ status: 0, signal: null, stdout: 'still running\nreload\n' });
  });

  it('lets a SIGHUP end any other command, as it always did', () => {
    const result = run('export', `process.kill(process.pid, 'SIGHUP');\nsetTimeout(() => console.log('survived'), 1000);`);
    expect(result).to.deep.equal({ status: null, signal: 'SIGHUP', stdout: '' });
  });

  it('ends on a SIGTERM that comes before the command has its own handler', () => {
    const result = run('sync', `process.kill(process.pid, 'SIGTERM');\nsetTimeout(() => console.log('survived'), 1000);`);
    expect(result).to.deep.equal({ status: null, signal: 'SIGTERM', stdout: '' });
  });

  it("stands aside once the command handles a signal itself (serve's clean stop)", () => {
    const result = run(
      'serve',
      `process.on('SIGTERM', () => { console.log('clean stop'); setTimeout(() => process.exit(0), 50); });
process.on('SIGHUP', () => console.log('reload'));
process.kill(process.pid, 'SIGHUP');
setTimeout(() => process.kill(process.pid, 'SIGTERM'), 50);
setTimeout(() => process.exit(3), 5000);`,
    );
    expect(result).to.deep.equal({ status: 0, signal: null, stdout: 'reload\nclean stop\n' });
  });
});
