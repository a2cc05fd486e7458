/** `apiban-exporter export -t plain | head -3`: the reader goes away, the command ends quietly with 0. */
import { expect } from 'chai';
import { spawn } from 'node:child_process';
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { runCli } from '../helpers/cli.js';
import { startFakeApiban } from '../helpers/fake-apiban.js';
import { CLI_ARGS } from '../helpers/paths.js';
import { manyAddresses, tempDir } from '../sync/support.js';

describe('cli with a closed stdout', function () {
  this.timeout(60_000);

  it('ends with exit 0 and no stack when the reader closes the pipe mid-output', async () => {
    // 30,000 lines (~400 kB): far more than a pipe buffer, so the CLI is still writing when the pipe closes.
    const fake = await startFakeApiban({ addresses: manyAddresses(30_000), pageSize: 10_000 });
    const dir = tempDir();
    try {
      const config = join(dir.path, 'c.yaml');
      writeFileSync(config, `apiban:\n  baseUrl: ${fake.url}\n  budget: { requests: 50, window: 1s }\n`);
      const env = { PATH: process.env.PATH, APIBAN_KEY: fake.key, APIBAN_STATE_DIR: join(dir.path, 'state') };
      const synced = await runCli(['-c', config, 'sync'], { env });
      expect(synced.code, synced.stderr).to.equal(0);
      const child = spawn(process.execPath, [...CLI_ARGS, '-c', config, 'export', '-t', 'plain'], {
        env,
        stdio: ['ignore', 'pipe', 'pipe'],
      });
      let stderr = '';
      child.stderr.on('data', (chunk: Buffer) => {
        stderr += chunk;
      });
      const first = await new Promise<Buffer>((resolve) => child.stdout.once('data', resolve));
      expect(first.toString('utf8')).to.include('198.18.0.0');
      child.stdout.destroy();
      const code = await new Promise<number | null>((resolve) => child.on('close', resolve));
      expect(stderr).not.to.match(/EPIPE|internal error|\n\s+at /);
      expect(code, stderr).to.equal(0);
    } finally {
      await fake.close();
      dir.remove();
    }
  });
});
