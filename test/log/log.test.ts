/** The log lines themselves: each field once, secrets redacted by the shared list, rejected input cut short. */
import { expect } from 'chai';
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
});
