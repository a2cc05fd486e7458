/** The log lines themselves: each field once, secrets redacted by the shared list, rejected input cut short. */
import { expect } from 'chai';
import { spawnSync } from 'node:child_process';
import { PassThrough } from 'node:stream';
import { SECRET_KEYS } from '../../src/config/secret-keys.js';
import { createLogger, type LogFormat } from '../../src/log.js';

function capture(format: LogFormat = 'json') {
  const lines: string[] = [];
  const destination = new PassThrough();
  destination.on('data', (chunk: Buffer) => lines.push(...chunk.toString('utf8').split('\n').filter(Boolean)));
  return { log: createLogger({ format, destination }), lines };
}

describe('log', () => {
  it('writes the component once when children nest and when a call names its own', async () => {
    const { log, lines } = capture();
    const sync = log.child({ component: 'serve' }).child({ component: 'sync', run: 1 });
    sync.info('from the child');
    sync.warn({ component: 'apiban', waitMs: 5 }, 'named by the call');
    sync.info('the child again');
    await new Promise((resolve) => setImmediate(resolve));
    expect(lines).to.have.length(3);
    for (const line of lines) expect(line.match(/"component":/g), line).to.have.length(1);
    expect(lines.map((line) => JSON.parse(line).component)).to.deep.equal(['sync', 'apiban', 'sync']);
    expect(JSON.parse(lines[1])).to.include({ run: 1, waitMs: 5 });
  });

  it('cuts a rejected entry to 80 characters plus its length, and any string to 2000', async () => {
    const { log, lines } = capture();
    const huge = `${'1'.repeat(100)}${'x'.repeat(99_900)}`;
    log.warn({ component: 'sync', invalid: 1, examples: [{ entry: huge, reason: 'not an address' }], note: huge }, 'dropped');
    await new Promise((resolve) => setImmediate(resolve));
    expect(lines).to.have.length(1);
    expect(lines[0].length).to.be.below(2500);
    const fields = JSON.parse(lines[0]);
    expect(fields.examples[0].entry).to.equal(`${'1'.repeat(80)}… (100000 characters)`);
    expect(fields.examples[0].reason).to.equal('not an address');
    expect(fields.note).to.equal(`${huge.slice(0, 2000)}… (100000 characters)`);
  });

  it('redacts every name of the shared secret list, nested one level too', async () => {
    const { log, lines } = capture();
    const fields = Object.fromEntries(SECRET_KEYS.map((k) => [k, `value-of-${k}`]));
    log.info({ ...fields, nested: fields }, 'secrets');
    await new Promise((resolve) => setImmediate(resolve));
    expect(lines[0]).not.to.include('value-of-');
  });

  it('refuses an unknown level with a configuration error', () => {
    expect(() => createLogger({ level: 'bogus' })).to.throw(/--log-level.*"bogus" is not a log level/s);
  });

  it('loads pino only when a line at an enabled level is written, and writes that line as pino does', () => {
    const script = `
      import { createRequire } from 'node:module';
      const { createLogger, silentLogger } = await import(${JSON.stringify(new URL('../../src/log.js', import.meta.url).href)});
      const pinoLoaded = () => Object.keys(createRequire(import.meta.url).cache).some((path) => path.includes('/node_modules/pino/'));
      const log = createLogger({ level: 'warn', destination: process.stdout });
      log.info('below the threshold');
      log.child({ component: 'x' }).debug({ n: 1 }, 'below the threshold');
      silentLogger.fatal('never');
      const before = pinoLoaded();
      log.child({ component: 'x' }).warn({ n: 2 }, 'written');
      console.log(JSON.stringify({ before, after: pinoLoaded() }));`;
    const result = spawnSync(process.execPath, ['--input-type=module', '-e', script], { encoding: 'utf8' });
    expect(result.stderr).to.equal('');
    const [line, loaded, ...rest] = result.stdout.trim().split('\n');
    expect(rest).to.deep.equal([]);
    expect(JSON.parse(loaded)).to.deep.equal({ before: false, after: true });
    expect(line).to.match(/^\{"level":40,"time":"[0-9T:.-]+Z","component":"x","n":2,"msg":"written"\}$/);
  });
});
