/**
 * The state lock between real processes: a live holder is named in the refusal, a holder killed
 * with -9 leaves nothing that blocks the next start, a clean stop releases at once, and what the
 * earlier lock mechanism left behind (a `lock/` directory with an owner file) is ignored.
 */
import { expect } from 'chai';
import { existsSync, mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { runCli } from '../helpers/cli.js';
import { startServe, type ServeProcess } from '../helpers/serve-process.js';
import { tempDir } from './support.js';

describe('state lock between processes (real CLI)', function () {
  this.timeout(60_000);
  let dir: ReturnType<typeof tempDir>;
  let configFile: string;
  let serves: ServeProcess[] = [];
  const env = () => ({ APIBAN_STATE_DIR: join(dir.path, 'state') });
  const sync = () => runCli(['-c', configFile, 'sync'], { env: env(), timeoutMs: 30_000 });
  const serve = async () => {
    const s = await startServe(configFile, env());
    serves.push(s);
    return s;
  };

  beforeEach(() => {
    dir = tempDir();
    configFile = join(dir.path, 'config.json');
    writeFileSync(configFile, '{"sources": [{"name": "sample", "sample": true}]}');
  });
  afterEach(async () => {
    for (const s of serves)
      if (s.child.exitCode === null && s.child.signalCode === null) {
        s.child.kill('SIGKILL');
        await s.exited;
      }
    serves = [];
    dir.remove();
  });

  it('refuses a second writer with exit 4, naming the live holder: pid, command and since when', async () => {
    const running = await serve();
    const result = await sync();
    expect(result.code, result.stderr).to.equal(4);
    expect(result.stderr).to.match(new RegExp(`locked by pid ${running.child.pid} \\(serve\\) since \\d{4}-\\d\\d-\\d\\dT[\\d:.]+Z`));
    expect(result.stderr).not.to.match(/ENOTEMPTY|ELOCKED/);
  });

  it('takes over at once from a holder killed with -9 (no waiting, no manual step)', async () => {
    const running = await serve();
    running.child.kill('SIGKILL');
    await running.exited;
    const started = Date.now();
    const result = await sync();
    expect(result.code, result.stderr).to.equal(0);
    expect(Date.now() - started).to.be.below(15_000);
    const again = await serve();
    again.child.kill('SIGKILL');
    await again.exited;
    await serve();
  });

  it('is released by a clean SIGTERM: a restart right after works, and no owner file is left', async () => {
    const running = await serve();
    running.child.kill('SIGTERM');
    expect(await running.exited).to.equal(0);
    expect(existsSync(join(dir.path, 'state', 'owner.json'))).to.equal(false);
    const next = await serve();
    expect(next.stderr()).not.to.match(/locked/);
  });

  it('ignores and removes a lock/ directory left by the earlier lock mechanism', async () => {
    const legacy = join(dir.path, 'state', 'lock');
    mkdirSync(legacy, { recursive: true });
    writeFileSync(join(legacy, 'owner'), JSON.stringify({ pid: 999_999, host: 'elsewhere', since: '2020-01-01T00:00:00Z' }));
    const result = await sync();
    expect(result.code, result.stderr).to.equal(0);
    expect(existsSync(legacy)).to.equal(false);
  });
});
