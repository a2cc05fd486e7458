import { expect } from 'chai';
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { checkAccess, digest, resolveAccess, type AccessRequest } from '../../src/serve/http/access.js';
import { basicAuth } from './support.js';

const request = (overrides: Partial<AccessRequest> = {}): AccessRequest => ({
  remoteAddress: '127.0.0.1',
  authorization: undefined,
  pathToken: undefined,
  ...overrides,
});

describe('serve: access rules', () => {
  it('lets everyone in when nothing is configured', () => {
    expect(checkAccess(resolveAccess({}, 'test'), request())).to.deep.equal({ ok: true });
  });

  it('checks the allowlist with the strict parser, IPv4-mapped clients included', () => {
    const rule = resolveAccess({ allow: ['192.0.2.0/24', '2001:db8::/32'] }, 'test');
    expect(checkAccess(rule, request({ remoteAddress: '192.0.2.9' })).ok).to.equal(true);
    expect(checkAccess(rule, request({ remoteAddress: '::ffff:192.0.2.9' })).ok).to.equal(true);
    expect(checkAccess(rule, request({ remoteAddress: '2001:db8::1' })).ok).to.equal(true);
    expect(checkAccess(rule, request({ remoteAddress: '198.51.100.1' }))).to.deep.equal({ ok: false, status: 403 });
    expect(checkAccess(rule, request({ remoteAddress: undefined }))).to.deep.equal({ ok: false, status: 403 });
  });

  it('asks for Basic credentials (401) and refuses wrong ones (403) whichever half is wrong', () => {
    const rule = resolveAccess({ basic: { username: 'fw', password: 'pw-1' } }, 'test');
    const missing = checkAccess(rule, request());
    expect(missing).to.include({ ok: false, status: 401 });
    expect((missing as { challenge: string }).challenge).to.match(/^Basic realm="apiban-exporter"/);
    expect(checkAccess(rule, request({ authorization: basicAuth('fw', 'pw-1') })).ok).to.equal(true);
    expect(checkAccess(rule, request({ authorization: basicAuth('fw', 'pw-2') }))).to.deep.equal({ ok: false, status: 403 });
    expect(checkAccess(rule, request({ authorization: basicAuth('fx', 'pw-1') }))).to.deep.equal({ ok: false, status: 403 });
    expect(checkAccess(rule, request({ authorization: 'Basic not-base64-without-colon' }))).to.deep.equal({ ok: false, status: 403 });
  });

  it('accepts any one configured method: Bearer, path token or Basic', () => {
    const dir = mkdtempSync(join(tmpdir(), 'serve-access-'));
    writeFileSync(join(dir, 'token'), 'from-file-token-0123\n');
    const rule = resolveAccess({ bearer: { token: 'bearer-1' }, pathToken: { tokenFile: join(dir, 'token') } }, 'test');
    expect(checkAccess(rule, request({ authorization: 'Bearer bearer-1' })).ok).to.equal(true);
    expect(checkAccess(rule, request({ pathToken: 'from-file-token-0123' })).ok, 'trailing newline of the file dropped').to.equal(true);
    expect(checkAccess(rule, request({ pathToken: 'bearer-1' }))).to.deep.equal({ ok: false, status: 403 });
    expect(checkAccess(rule, request({ authorization: 'Bearer from-file-token-0123' }))).to.deep.equal({ ok: false, status: 403 });
    expect(checkAccess(rule, request()).ok).to.equal(false);
  });

  it('hides a path-token-only output (404) from clients without the right token, whatever else they send', () => {
    const rule = resolveAccess({ pathToken: { token: 'secret-path' } }, 'test');
    expect(checkAccess(rule, request())).to.deep.equal({ ok: false, status: 404 });
    expect(checkAccess(rule, request({ pathToken: 'guess' }))).to.deep.equal({ ok: false, status: 404 });
    expect(checkAccess(rule, request({ authorization: 'Bearer anything' }))).to.deep.equal({ ok: false, status: 404 });
    expect(checkAccess(rule, request({ authorization: 'Basic YTpi' }))).to.deep.equal({ ok: false, status: 404 });
    expect(checkAccess(rule, request({ pathToken: 'secret-path', authorization: 'Bearer x' })).ok).to.equal(true);
    const allowed = resolveAccess({ allow: ['192.0.2.0/24'], pathToken: { token: 'secret-path' } }, 'test');
    expect(checkAccess(allowed, request()), 'outside the allowlist, no token').to.deep.equal({ ok: false, status: 404 });
    expect(checkAccess(allowed, request({ pathToken: 'secret-path' })), 'outside the allowlist, right token').to.deep.equal({
      ok: false,
      status: 403,
    });
  });

  it('needs both the allowlist and a credential when both are set', () => {
    const rule = resolveAccess({ allow: ['127.0.0.0/8'], bearer: { token: 't-1' } }, 'test');
    expect(checkAccess(rule, request({ authorization: 'Bearer t-1' })).ok).to.equal(true);
    expect(checkAccess(rule, request({ remoteAddress: '192.0.2.1', authorization: 'Bearer t-1' })).ok).to.equal(false);
  });

  it('keeps allowlist verdicts per allowlist: a reload with another list decides afresh for the same client', () => {
    const narrow = resolveAccess({ allow: ['192.0.2.0/24'] }, 'test');
    const wide = resolveAccess({ allow: ['192.0.2.0/24', '198.51.100.0/24'] }, 'test');
    const outsider = request({ remoteAddress: '198.51.100.7' });
    for (let i = 0; i < 3; i++) {
      expect(checkAccess(narrow, outsider).ok, `narrow, call ${i}`).to.equal(false);
      expect(checkAccess(wide, outsider).ok, `wide, call ${i}`).to.equal(true);
    }
    expect(checkAccess(narrow, request({ remoteAddress: '::ffff:198.51.100.7' })).ok, 'the mapped form has its own verdict').to.equal(
      false,
    );
    expect(checkAccess(wide, request({ remoteAddress: '::ffff:198.51.100.7' })).ok).to.equal(true);
  });

  it('answers every client right when more addresses call than the verdicts keep', () => {
    const rule = resolveAccess({ allow: ['10.0.0.0/9'] }, 'test');
    const address = (i: number) => `10.${i % 256}.${i >> 8}.1`;
    for (const pass of ['first', 'again']) {
      for (let i = 0; i < 3000; i++) {
        expect(checkAccess(rule, request({ remoteAddress: address(i) })).ok, `${pass} ${address(i)}`).to.equal(i % 256 < 128);
      }
    }
  });

  it('names the setting, never the content, when a secret file cannot be read', () => {
    expect(() => resolveAccess({ bearer: { tokenFile: '/nonexistent/token' } }, 'serve.access')).to.throw(
      /serve\.access\.bearer\.tokenFile: cannot read/,
    );
  });

  it('refuses an empty password file and a token file under 16 characters, without printing either', () => {
    const dir = mkdtempSync(join(tmpdir(), 'serve-access-'));
    writeFileSync(join(dir, 'empty'), '\n');
    writeFileSync(join(dir, 'short'), 'tok-15-chars-xx\n');
    const basic = { username: 'fw', passwordFile: join(dir, 'empty') };
    expect(() => resolveAccess({ basic }, 'serve.access')).to.throw(
      `serve.access.basic.passwordFile: ${join(dir, 'empty')} holds an empty password`,
    );
    for (const rule of [{ bearer: { tokenFile: join(dir, 'short') } }, { pathToken: { tokenFile: join(dir, 'empty') } }]) {
      expect(() => resolveAccess(rule, 'serve.access'))
        .to.throw(/tokenFile: .* holds (nothing|a token shorter than 16 characters); use at least 16/)
        .and.satisfy((error: Error) => !error.message.includes('tok-15'));
    }
  });

  it('never admits an empty Basic password, even under a rule whose password is empty', () => {
    expect(() => resolveAccess({ basic: { username: 'fw', password: '' } }, 'serve.access')).to.throw(
      'serve.access.basic.password: must not be empty',
    );
    const rule = { basic: { user: digest('fw'), password: digest('') } };
    expect(checkAccess(rule, request({ authorization: basicAuth('fw', '') }))).to.deep.equal({ ok: false, status: 403 });
  });
});
