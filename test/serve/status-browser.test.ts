/**
 * The status page in a real browser: Debian's chromium, driven by playwright-core (no browser
 * download), loads `/` from the real CLI's `serve`, fed by the fake APIBAN and pushing to a
 * Cisco IOS simulator. The numbers on the page must be the model's, no secret may appear in the
 * page or in status.json, and the page must work with JavaScript off. A screenshot is saved
 * under the temp directory for a human look.
 */
import { expect } from 'chai';
import { existsSync, mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { chromium, type BrowserContext } from 'playwright-core';
import { stringify } from 'yaml';
import { startFakeApiban, type FakeApiban } from '../helpers/fake-apiban.js';
import { startServe, waitFor, type ServeProcess } from '../helpers/serve-process.js';
import { startCiscoIos, type IosSimulator } from '../helpers/sim-cisco-ios.js';
import { skipWhen } from '../helpers/skip.js';
import { fakeApibanSection, simulatorDevice } from '../helpers/cli-config.js';

const CHROMIUM = '/usr/bin/chromium';
const SECRETS = {
  apibanKey: 'status-key-5b2e91',
  adminPassword: 'admin-pw-77a1',
  pathToken: 'pftoken-3c9d0e4a7b1f',
  bearer: 'opn-bearer-1f8a2c6d',
  basicPassword: 'forti-pw-aa42',
  devicePassword: 'sim-pw-4410',
};
const ADDRESSES = ['192.0.2.10', '198.51.100.20', '203.0.113.30', '2001:db8::7'];

describe('serve: the status page in headless chromium', function () {
  this.timeout(90_000);
  let fake: FakeApiban;
  let sim: IosSimulator;
  let serve: ServeProcess | undefined;
  let context: BrowserContext | undefined;
  const dir = mkdtempSync(join(tmpdir(), 'apiban-status-'));

  before(async function () {
    skipWhen(this, existsSync(CHROMIUM) ? undefined : `${CHROMIUM} not found (Debian package chromium)`);
    fake = await startFakeApiban({ key: SECRETS.apibanKey, addresses: ADDRESSES });
    sim = await startCiscoIos({ auth: { username: 'ops', password: SECRETS.devicePassword } });
    const config = join(dir, 'config.yaml');
    writeFileSync(config, stringify(serveConfig()));
    serve = await startServe(config, { FAKE_KEY: SECRETS.apibanKey, ROUTER_PW: SECRETS.devicePassword });
    await waitFor(async () => (await statusJson()).devices[0]?.lastPush?.result === 'changed', 'the first scheduled push', 30_000);
  });
  after(async () => {
    await context?.close();
    serve?.child.kill('SIGTERM');
    await serve?.exited;
    await sim?.device.close();
    await fake?.close();
  });

  function serveConfig(): Record<string, unknown> {
    return {
      apiban: fakeApibanSection(fake),
      state: { dir: join(dir, 'state') },
      sync: { interval: '1h' },
      outputs: [
        { name: 'pfsense', target: 'pfsense' },
        { name: 'opnsense', target: 'opnsense' },
        { name: 'srx', target: 'junos-srx-feed' },
        { name: 'fmc', target: 'cisco-fmc' },
        { name: 'edl', target: 'paloalto-edl' },
        { name: 'fortigate', target: 'fortigate' },
      ],
      serve: {
        adminAccess: { basic: { username: 'admin', password: SECRETS.adminPassword } },
        outputAccess: {
          pfsense: { pathToken: { token: SECRETS.pathToken } },
          opnsense: { bearer: { token: SECRETS.bearer } },
          fortigate: { basic: { username: 'firewall', password: SECRETS.basicPassword } },
        },
      },
      push: {
        devices: [simulatorDevice(sim.device, { name: 'edge1', driver: 'cisco-ios', passwordEnv: 'ROUTER_PW' })],
      },
    };
  }

  const base = () => `http://127.0.0.1:${serve?.port}`;
  const adminAuth = `Basic ${Buffer.from(`admin:${SECRETS.adminPassword}`).toString('base64')}`;

  // biome-ignore lint/suspicious/noExplicitAny: status.json walked by path; a wrong path fails the test
  async function statusJson(): Promise<any> {
    const response = await fetch(`${base()}/status.json`, { headers: { authorization: adminAuth } });
    return response.json();
  }

  it('refuses a viewer without admin access, and shows nothing to them', async () => {
    const anonymous = await fetch(`${base()}/`);
    expect(anonymous.status).to.equal(401);
    const text = await anonymous.text();
    expect(text).not.to.include('192.0.2.10');
    expect((await fetch(`${base()}/status.json`, { headers: { authorization: 'Basic YWRtaW46d3Jvbmc=' } })).status).to.equal(403);
  });

  it("shows the model's numbers with JavaScript off, and no secret anywhere in the page or status.json", async () => {
    context = await chromium.launchPersistentContext(join(dir, 'profile'), {
      executablePath: CHROMIUM,
      headless: true,
      javaScriptEnabled: false,
      httpCredentials: { username: 'admin', password: SECRETS.adminPassword },
      args: [
        '--no-sandbox',
        '--disable-gpu',
        '--disable-quic',
        '--no-first-run',
        '--disable-background-networking',
        '--disable-component-update',
        '--disable-sync',
      ],
    });
    const page = await context.newPage();
    const outside: string[] = [];
    page.on('request', (request) => {
      if (!request.url().startsWith(base())) outside.push(request.url());
    });
    const response = await page.goto(`${base()}/`);
    expect(response?.status()).to.equal(200);
    const model = await statusJson();
    expect(model.set).to.include({ size: 4, v4: 3, v6: 1 });
    expect(await page.textContent('#set-size')).to.equal('4');
    expect(await page.textContent('#set-v4')).to.equal('3');
    expect(await page.textContent('#set-v6')).to.equal('1');
    expect(await page.textContent('#history-added')).to.equal('4');
    expect(await page.textContent('#last-sync')).to.include('ok');
    expect(await page.textContent('#guard')).to.include('passing');
    const deviceRow = await page.textContent('tr[data-device="edge1"]');
    expect(deviceRow, deviceRow ?? '')
      .to.include('cisco-ios')
      .and.include('changed')
      .and.include('+4 -0');
    expect(model.devices[0].lastPush).to.include({ result: 'changed', added: 4, removed: 0 });
    // The IOS simulator's driver reads no counters: "not reported", never 0.
    expect(deviceRow).to.include('not reported');
    expect(model.devices[0].blocked).to.equal(null);
    expect(await page.locator('svg.chart').count()).to.equal(2);
    const urls = await page.locator('code.url').allTextContents();
    expect(urls).to.include(`${base()}/t/<token>/pfsense.txt`).and.include(`${base()}/fortigate.txt`);
    expect(await page.textContent('body'))
      .to.include('set security dynamic-address feed-server apiban feed-name apiban path /srx.txt')
      .and.include(`MD5 URL: ${base()}/fmc.txt.md5`)
      .and.include(`set resource "${base()}/fortigate.txt"`);
    const html = await page.content();
    const json = JSON.stringify(model);
    for (const [name, secret] of Object.entries(SECRETS)) {
      expect(html, name).not.to.include(secret);
      expect(json, name).not.to.include(secret);
    }
    expect(outside, 'requests outside the daemon').to.deep.equal([]);
    const shot = join(dir, 'status-page.png');
    await page.screenshot({ path: shot, fullPage: true });
    expect(existsSync(shot)).to.equal(true);
    console.log(`      screenshot: ${shot}`);
  });
});
