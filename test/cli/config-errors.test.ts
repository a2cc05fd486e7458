/**
 * Configuration problems in plain words: an unknown key names the closest known one, a wrong type
 * is named as a person would (a duration like 5m, a list of CIDRs, true or false), and a value
 * that might be a misplaced secret is described, never echoed.
 */
import { expect } from 'chai';
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { stringify } from 'yaml';
import { loadConfig } from '../../src/cli/load-config.js';
import { closest } from '../../src/did-you-mean.js';
import { ConfigError } from '../../src/errors.js';
import { runCli } from '../helpers/cli.js';
import { tempDir } from '../sync/support.js';

describe('config errors in plain words', () => {
  let dir: ReturnType<typeof tempDir>;
  beforeEach(() => {
    dir = tempDir('apiban-words-');
  });
  afterEach(() => dir.remove());

  async function problemsOf(content: Record<string, unknown>): Promise<string[]> {
    const file = join(dir.path, 'c.yaml');
    writeFileSync(file, stringify(content));
    try {
      await loadConfig(file, {});
      return [];
    } catch (error) {
      if (!(error instanceof ConfigError)) throw error;
      return error.problems;
    }
  }

  it('offers the closest key for a mistyped one, and nothing for a key far from every name', async () => {
    expect(await problemsOf({ serve: { listne: ':8080' }, sycn: {}, policy: { zzzzzz: 1 } })).to.have.members([
      'serve.listne: unknown key; did you mean "listen"?',
      'sycn: unknown key; did you mean "sync"?',
      'policy.zzzzzz: unknown key',
    ]);
    expect(await problemsOf({ push: { devices: [{ name: 'fw', driver: 'pf', host: 'h', credentials: { apiKey: 'x' } }] } })).to.deep.equal([
      'push.devices[0].credentials.apiKey: unknown key; did you mean "apiKeyEnv"?',
    ]);
    expect(closest('pfsens', ['plain', 'pfsense', 'opnsense'])).to.equal('pfsense');
    expect(closest('xyz', ['plain', 'pfsense'])).to.equal(undefined);
  });

  it('names types as a person would, and never echoes text where text is expected', async () => {
    expect(
      await problemsOf({
        sync: { interval: true },
        policy: { allowlist: '10.0.0.0/8', aggregate: 'yes' },
        guards: { maxShrink: 2 },
        apiban: { set: 'sipp' },
        serve: { access: { basic: { username: 'fw', password: 123456789 } } },
      }),
    ).to.have.members([
      'sync.interval: expected a duration like 5m, got true',
      'policy.allowlist: expected a list of CIDRs like [192.0.2.0/24], got "10.0.0.0/8"',
      'policy.aggregate: expected true or false, got "yes"',
      'guards.maxShrink: must be at most 1, got 2',
      'apiban.set: expected one of sip, http, all, got "sipp"; did you mean "sip"?',
      'serve.access.basic.password: expected text, got a number',
    ]);
  });

  it('prints them from config check with exit 2', async () => {
    const file = join(dir.path, 'c.yaml');
    writeFileSync(file, 'serve:\n  listne: ":8080"\n  maxAge: true\n');
    const result = await runCli(['-c', file, 'config', 'check']);
    expect(result.code).to.equal(2);
    expect(result.stderr)
      .to.include('serve.listne: unknown key; did you mean "listen"?')
      .and.include('serve.maxAge: expected a duration like 5m, got true');
  });
});
