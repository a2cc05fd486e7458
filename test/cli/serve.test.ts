/**
 * End to end: the real CLI runs `serve` as a child process against the fake APIBAN, and the test
 * polls it like firewalls do.
 */
import { expect } from 'chai';
import { createHash } from 'node:crypto';
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { gunzipSync } from 'node:zlib';
import { stringify } from 'yaml';
import { parsePrefix } from '../../src/banset/address.js';
import { createBanSet, type BanSet } from '../../src/banset/banset.js';
import { renderOutput } from '../../src/writers/render.js';
import { TARGETS } from '../helpers/registries.js';
import { startFakeApiban, type FakeApiban } from '../helpers/fake-apiban.js';
import { startServe, waitFor, type ServeProcess } from '../helpers/serve-process.js';
import { basicAuth, fetchRaw } from '../serve/support.js';
import { present } from '../helpers/present.js';
import { fakeApibanSection } from '../helpers/cli-config.js';

const KEY = 'e2e-key-5d1c7a2b9e';
/** Every registered target that works with default options (some need e.g. a URL of their own). */
const servable = [...TARGETS].filter(([, writer]) => writer.options.safeParse({}).success).map(([name]) => name);
const PASSWORD = 'fw-password-31b7';
const BEARER = 'bearer-token-8c2e4f0b';
const PATH_TOKEN = 'path-token-a9f3d7c1';

function documentationAddresses(count: number, offset = 0): string[] {
  const nets = ['192.0.2', '198.51.100', '203.0.113'];
  return Array.from({ length: count }, (_, i) => `${nets[(i + offset) % 3]}.${Math.floor((i + offset) / 3) % 256}`);
}

describe('cli: serve (child process against the fake APIBAN)', function () {
  this.timeout(30_000);
  let fake: FakeApiban;
  let serve: ServeProcess;
  let base: string;
  let addresses: string[];
  let configFile: string;
  // biome-ignore lint/suspicious/noExplicitAny: a config the test edits deep inside before writing it out as YAML
  let config: Record<string, any>;
  const credentials: Record<string, { path?: string; headers?: Record<string, string> }> = {
    pfsense: { path: `/t/${PATH_TOKEN}` },
    opnsense: { headers: { authorization: `Bearer ${BEARER}` } },
  };
  const get = (name: string, path: string, headers: Record<string, string> = {}, method = 'GET') => {
    const auth = credentials[name] ?? { headers: { authorization: basicAuth('fw', PASSWORD) } };
    return fetchRaw(`${base}${auth.path ?? ''}${path}`, { method, headers: { ...auth.headers, ...headers } });
  };

  before(async () => {
    addresses = [...documentationAddresses(600), '2001:db8::1', '2001:db8::5'];
    fake = await startFakeApiban({ key: KEY, addresses });
    fake.fail('404');
    const dir = mkdtempSync(join(tmpdir(), 'apiban-serve-e2e-'));
    writeFileSync(join(dir, 'path-token'), `${PATH_TOKEN}\n`);
    config = {
      apiban: fakeApibanSection(fake),
      state: { dir: join(dir, 'state') },
      sync: { interval: '200ms' },
      outputs: servable.map((target) => ({ name: target, target })),
      serve: {
        retryAfter: '3s',
        // biome-ignore lint/suspicious/noTemplateCurlyInString: the config's own ${VAR} substitution, not a template
        access: { basic: { username: 'fw', password: '${FW_PASSWORD}' } },
        outputAccess: {
          plain: {},
          pfsense: { pathToken: { tokenFile: join(dir, 'path-token') } },
          // biome-ignore lint/suspicious/noTemplateCurlyInString: the config's own ${VAR} substitution, not a template
          opnsense: { bearer: { token: '${FW_BEARER}' } },
        },
      },
    };
    configFile = join(dir, 'config.yaml');
    writeFileSync(configFile, stringify(config));
    serve = await startServe(configFile, { FAKE_KEY: KEY, FW_PASSWORD: PASSWORD, FW_BEARER: BEARER });
    base = `http://127.0.0.1:${serve.port}`;
  });

  after(async () => {
    if (serve?.child.exitCode === null) serve.child.kill('SIGKILL');
    await fake.close();
  });

  it('answers 503 with Retry-After before the first successful sync', async () => {
    await waitFor(async () => fake.requests.length > 0, 'the first sync');
    const res = await get('plain', '/plain.txt');
    expect(res.status).to.equal(503);
    expect(res.headers['retry-after']).to.equal('3');
    expect((await fetchRaw(`${base}/healthz`)).status).to.equal(503);
    fake.heal();
    await waitFor(async () => (await fetchRaw(`${base}/healthz`)).status === 200, '/healthz 200');
  });

  it("serves every configured output with the writer's bytes for the synced set", async () => {
    const bans: BanSet = createBanSet(addresses.map(parsePrefix));
    const health = JSON.parse((await fetchRaw(`${base}/healthz`)).body.toString());
    expect(health.set.size).to.equal(bans.size);
    expect(servable).to.include.members(['plain', 'pfsense', 'opnsense']);
    for (const name of servable) {
      const writer = present(TARGETS.get(name), `the ${name} target`);
      const res = await get(name, `/${name}${writer.http.extension}`);
      expect(res.status, name).to.equal(200);
      expect(res.body.toString('utf8'), name).to.equal(renderOutput(writer, bans, writer.options.parse({})));
      expect(res.headers.etag, name).to.equal(`"${createHash('sha256').update(res.body).digest('base64url')}"`);
    }
  });

  it('revalidates with 304, answers HEAD, and gzips only on request', async () => {
    const first = await get('pfsense', '/pfsense.txt');
    expect((await get('pfsense', '/pfsense.txt', { 'if-none-match': first.headers.etag as string })).status).to.equal(304);
    expect((await get('pfsense', '/pfsense.txt', { 'if-modified-since': first.headers['last-modified'] as string })).status).to.equal(304);
    const head = await get('pfsense', '/pfsense.txt', {}, 'HEAD');
    expect([head.status, head.body.length, head.headers.etag]).to.deep.equal([200, 0, first.headers.etag]);
    const zipped = await get('pfsense', '/pfsense.txt', { 'accept-encoding': 'gzip' });
    expect(zipped.headers['content-encoding']).to.equal('gzip');
    expect(gunzipSync(zipped.body).equals(first.body)).to.equal(true);
    expect(first.headers['content-encoding']).to.equal(undefined);
  });

  it('refuses missing and wrong credentials without saying which part was wrong', async () => {
    const missing = await fetchRaw(`${base}/paloalto-edl.txt`);
    expect(missing.status).to.equal(401);
    expect(missing.headers['www-authenticate']).to.match(/^Basic realm=/);
    const wrongUser = await fetchRaw(`${base}/paloalto-edl.txt`, { headers: { authorization: basicAuth('nobody', PASSWORD) } });
    const wrongPassword = await fetchRaw(`${base}/paloalto-edl.txt`, { headers: { authorization: basicAuth('fw', 'guess') } });
    expect([wrongUser.status, wrongPassword.status]).to.deep.equal([403, 403]);
    expect(wrongUser.body.equals(wrongPassword.body)).to.equal(true);
    expect((await fetchRaw(`${base}/opnsense.txt`, { headers: { authorization: 'Bearer nope' } })).status).to.equal(403);
    expect((await fetchRaw(`${base}/opnsense.txt`)).headers['www-authenticate']).to.match(/^Bearer/);
    expect((await fetchRaw(`${base}/t/wrong-token/pfsense.txt`)).status).to.equal(404);
    expect((await fetchRaw(`${base}/pfsense.txt`)).status).to.equal(404);
    expect((await fetchRaw(`${base}/plain.txt`)).status).to.equal(200);
  });

  it('answers a path-token-only output exactly like a path that does not exist, unless the token is right', async () => {
    const never = await fetchRaw(`${base}/never-configured.txt`, { method: 'POST' });
    const probes = [
      await fetchRaw(`${base}/pfsense.txt`, { method: 'POST' }),
      await fetchRaw(`${base}/pfsense.txt`, { method: 'DELETE' }),
      await fetchRaw(`${base}/pfsense.txt`, { headers: { authorization: basicAuth('fw', PASSWORD) } }),
      await fetchRaw(`${base}/pfsense.txt`, { headers: { authorization: 'Bearer anything' } }),
      await fetchRaw(`${base}/t/wrong-token/pfsense.txt`, { method: 'PUT' }),
    ];
    for (const probe of probes) {
      expect(probe.status).to.equal(404);
      expect(probe.headers.allow).to.equal(undefined);
      expect(probe.body.equals(never.body)).to.equal(true);
    }
    expect(
      (await fetchRaw(`${base}/t/${PATH_TOKEN}/pfsense.txt`, { method: 'POST' })).status,
      'the token holder learns the method',
    ).to.equal(405);
  });

  it('publishes a new ETag after APIBAN lists new addresses', async () => {
    const before = await get('plain', '/plain.txt');
    fake.add(['203.0.113.250', '2001:db8::77']);
    await waitFor(async () => (await get('plain', '/plain.txt')).headers.etag !== before.headers.etag, 'a new ETag');
    const after = await get('plain', '/plain.txt');
    expect(after.body.toString()).to.contain('203.0.113.250\n').and.contain('2001:db8::77\n');
  });

  it('keeps serving the last good set when APIBAN starts failing, and says so on /healthz', async () => {
    const before = await get('plain', '/plain.txt');
    fake.fail('404');
    await waitFor(async () => JSON.parse((await fetchRaw(`${base}/healthz`)).body.toString()).lastSync.ok === false, 'a failed sync');
    const after = await get('plain', '/plain.txt');
    expect(after.status).to.equal(200);
    expect(after.body.equals(before.body)).to.equal(true);
    const health = JSON.parse((await fetchRaw(`${base}/healthz`)).body.toString());
    expect(health.lastSync.error).to.contain('404');
    const metrics = (await fetchRaw(`${base}/metrics`)).body.toString();
    expect(metrics).to.match(/apiban_exporter_syncs_total\{result="error"\} [1-9]/);
    expect(metrics).to.match(/apiban_exporter_apiban_requests_total\{outcome="page"\} [1-9]/);
    // One error line per failed sync, with its reason; serve's own line about it is a warning.
    const logLines = () =>
      serve
        .stderr()
        .split('\n')
        .filter((line) => line.startsWith('{'))
        .map((line) => JSON.parse(line) as { level: number; msg: string });
    const errors = () => logLines().filter((line) => line.level >= 50);
    const warnings = () => logLines().filter((line) => line.level === 40 && line.msg === 'sync failed; serving the last good set');
    await waitFor(async () => errors().length > 0 && warnings().length === errors().length, 'a warning from serve for each failed sync');
    expect(errors().map((line) => line.msg)).to.satisfy((messages: string[]) => messages.every((m) => m.includes('404')));
    fake.heal();
  });

  it('reloads the configuration on SIGHUP and keeps it when the new file is invalid', async () => {
    writeFileSync(
      configFile,
      stringify({ ...config, outputs: [...config.outputs, { name: 'extra', target: 'plain', path: '/extra.txt' }] }),
    );
    serve.child.kill('SIGHUP');
    await waitFor(async () => (await get('extra', '/extra.txt')).status === 200, '/extra.txt after SIGHUP');
    writeFileSync(configFile, 'serve: { listen: [not, a, string] }\n');
    serve.child.kill('SIGHUP');
    await waitFor(async () => serve.stderr().includes('reload failed'), 'the reload failure in the log');
    expect((await get('extra', '/extra.txt')).status).to.equal(200);
  });

  it('exits 0 on SIGTERM and never logs a secret', async () => {
    serve.child.kill('SIGTERM');
    expect(await serve.exited).to.equal(0);
    for (const secret of [KEY, PASSWORD, BEARER, PATH_TOKEN]) expect(serve.stderr()).to.not.contain(secret);
    expect(serve.stderr()).to.contain('"stopped"');
  });
});
