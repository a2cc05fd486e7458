/**
 * SIGHUP never ends `serve` (real CLI, child process): a reload that changes what the set is
 * built from, invalid files, and a storm of hangups while it works. The running configuration
 * stays on every failure, which /healthz and /metrics report. (The state lock has no timer that
 * could go stale while serve runs, src/sync/lock.ts, so the reload needs no wait before it.)
 */
import { expect } from 'chai';
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { startServe, waitFor, type ServeProcess } from '../helpers/serve-process.js';
import { tempDir } from '../sync/support.js';
import { fetchRaw } from './support.js';
import { present } from '../helpers/present.js';

/** Without a key serve publishes the bundled sample only when a source asks for it. */
const SAMPLE = 'sources: [{ name: sample, sample: true }]\n';

describe('serve: SIGHUP never ends the daemon (real CLI)', function () {
  this.timeout(90_000);
  let dir: ReturnType<typeof tempDir>;
  let configFile: string;
  let serve: ServeProcess | undefined;
  const get = async (path: string) =>
    (await fetchRaw(`http://127.0.0.1:${present(serve, 'the serve process').port}${path}`)).body.toString();
  const alive = () =>
    present(serve, 'the serve process').child.exitCode === null && present(serve, 'the serve process').child.signalCode === null;

  beforeEach(() => {
    dir = tempDir();
    configFile = join(dir.path, 'config.yaml');
    writeFileSync(configFile, `${SAMPLE}policy: {allowlist: []}\n`);
  });
  afterEach(async () => {
    if (serve !== undefined && alive()) {
      serve.child.kill('SIGKILL');
      await serve.exited;
    }
    serve = undefined;
    dir.remove();
  });

  it('applies a policy change, keeps the old config on invalid files, and survives a storm', async () => {
    serve = await startServe(configFile, { APIBAN_STATE_DIR: join(dir.path, 'state') });
    await waitFor(async () => (await get('/plain.txt')).includes('192.0.2.'), 'the sample set');

    writeFileSync(configFile, `${SAMPLE}policy: {allowlist: [192.0.2.0/24]}\n`);
    serve.child.kill('SIGHUP');
    await waitFor(async () => !(await get('/plain.txt')).includes('192.0.2.'), 'the allowlist to apply');

    writeFileSync(configFile, 'policy: {allowlist: [\n');
    serve.child.kill('SIGHUP');
    await waitFor(async () => JSON.parse(await get('/healthz')).lastReload?.ok === false, 'the failed reload on /healthz');
    expect(await get('/metrics')).to.match(/apiban_exporter_config_reloads_total\{result="error"\} 1/);
    expect(await get('/plain.txt')).not.to.include('192.0.2.');

    const bodies = [
      'policy: {allowlist: []}\n',
      'sync: {interval: 7m}\n',
      'nonsense: [\n',
      'guards: {maxShrink: 0.9}\n',
      'state: {dir: /proc/no}\n',
    ];
    for (let i = 0; i < 40; i++) {
      writeFileSync(configFile, `${SAMPLE}${bodies[i % bodies.length]}`);
      serve.child.kill('SIGHUP');
      await new Promise((resolve) => setTimeout(resolve, i % 3 === 0 ? 0 : 30));
    }
    writeFileSync(configFile, `${SAMPLE}policy: {allowlist: []}\n`);
    serve.child.kill('SIGHUP');
    await waitFor(async () => (await get('/plain.txt')).includes('192.0.2.'), 'the last good reload');
    expect(alive(), serve.stderr()).to.equal(true);
    expect(serve.stderr()).not.to.match(/lock lost|compromised|ENOTEMPTY|unhandled/i);

    serve.child.kill('SIGTERM');
    expect(await serve.exited).to.equal(0);
  });
});
