/**
 * The status page in a real browser: Debian's chromium, driven by playwright-core (no browser
 * download), loads `/` from the real CLI's `serve`, fed by the fake APIBAN and pushing to a
 * Cisco IOS simulator. The numbers on the page must be the model's, no secret may appear in the
 * page or in status.json, and the page must work with JavaScript off. An output polled the way
 * pfSense polls shows its clients and a fresh time; the outputs nobody polls turn the verdict
 * amber (serve.status.staleFetchAfter is compressed to a few seconds). At 360 and 1280 px the page
 * never scrolls sideways, chart text is at least 11 px, every chart has a legend, and axe-core
 * (injected from the npm package) finds no serious or moderate violation, with the edge ingest's
 * table holding a ban. Screenshots are saved under the temp directory for a human look.
 */
import { expect } from 'chai';
import { existsSync, mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { chromium, type BrowserContext, type Page } from 'playwright-core';
import { stringify } from 'yaml';
import { startFakeApiban, type FakeApiban } from '../helpers/fake-apiban.js';
import { startServe, waitFor, type ServeProcess } from '../helpers/serve-process.js';
import { startCiscoIos, type IosSimulator } from '../helpers/sim-cisco-ios.js';
import { skipWhen } from '../helpers/skip.js';
import { fakeApibanSection, simulatorDevice } from '../helpers/cli-config.js';
import { lintExposition } from '../helpers/prom-lint.js';
import { fetchRaw } from './support.js';

const CHROMIUM = '/usr/bin/chromium';
const SECRETS = {
  apibanKey: 'status-key-5b2e91',
  adminPassword: 'admin-pw-77a1',
  pathToken: 'pftoken-3c9d0e4a7b1f',
  bearer: 'opn-bearer-1f8a2c6d',
  basicPassword: 'forti-pw-aa42',
  devicePassword: 'sim-pw-4410',
  edgeToken: 'edge-token-9d41c07e2b55',
};
const ADDRESSES = ['192.0.2.10', '198.51.100.20', '203.0.113.30', '2001:db8::7'];
/** serve.status.staleFetchAfter: short, so an output nobody polls turns the verdict amber soon. */
const STALE_AFTER_MS = 3000;
const AXE_SOURCE = readFileSync(createRequire(import.meta.url).resolve('axe-core/axe.min.js'), 'utf8');
const CHROMIUM_ARGS = [
  '--no-sandbox',
  '--disable-gpu',
  '--disable-quic',
  '--no-first-run',
  '--disable-background-networking',
  '--disable-component-update',
  '--disable-sync',
];

describe('serve: the status page in headless chromium', function () {
  this.timeout(120_000);
  let fake: FakeApiban;
  let sim: IosSimulator;
  let serve: ServeProcess | undefined;
  const contexts: BrowserContext[] = [];
  const dir = mkdtempSync(join(tmpdir(), 'apiban-status-'));

  before(async function () {
    skipWhen(this, existsSync(CHROMIUM) ? undefined : `${CHROMIUM} not found (Debian package chromium)`);
    fake = await startFakeApiban({ key: SECRETS.apibanKey, addresses: ADDRESSES });
    sim = await startCiscoIos({ auth: { username: 'ops', password: SECRETS.devicePassword } });
    const config = join(dir, 'config.yaml');
    writeFileSync(join(dir, 'edge.token'), `${SECRETS.edgeToken}\n`);
    writeFileSync(config, stringify(serveConfig()));
    serve = await startServe(config, { FAKE_KEY: SECRETS.apibanKey, ROUTER_PW: SECRETS.devicePassword });
    await waitFor(async () => (await statusJson()).devices[0]?.lastPush?.result === 'changed', 'the first scheduled push', 30_000);
  });
  after(async () => {
    for (const context of contexts) await context.close();
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
        status: { staleFetchAfter: `${STALE_AFTER_MS}ms` },
        outputAccess: {
          pfsense: { pathToken: { token: SECRETS.pathToken } },
          opnsense: { bearer: { token: SECRETS.bearer } },
          fortigate: { basic: { username: 'firewall', password: SECRETS.basicPassword } },
        },
      },
      push: {
        devices: [simulatorDevice(sim.device, { name: 'edge1', driver: 'cisco-ios', passwordEnv: 'ROUTER_PW' })],
      },
      ingest: { listen: '127.0.0.1:0', clients: [{ name: 'sbc1', allow: ['127.0.0.1/32'], tokenFile: join(dir, 'edge.token') }] },
    };
  }

  /** The edge ingest's origin, from serve's `edge ingest listening` log line. */
  function edgeOrigin(): string {
    const line = (serve?.stderr() ?? '').split('\n').find((l) => l.includes('edge ingest listening'));
    if (line === undefined) throw new Error(`no edge listener in:\n${serve?.stderr()}`);
    return `http://127.0.0.1:${JSON.parse(line).port}`;
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

  /** A browser profile of its own; JavaScript off unless `width` is given (then on, at that viewport width). */
  async function openPage(width?: number): Promise<Page> {
    const context = await chromium.launchPersistentContext(join(dir, `profile-${contexts.length}`), {
      executablePath: CHROMIUM,
      headless: true,
      javaScriptEnabled: width !== undefined,
      viewport: { width: width ?? 1280, height: 900 },
      httpCredentials: { username: 'admin', password: SECRETS.adminPassword },
      args: CHROMIUM_ARGS,
    });
    contexts.push(context);
    return context.newPage();
  }

  it("shows the model's numbers with JavaScript off, and no secret anywhere in the page or status.json", async () => {
    const page = await openPage();
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
    expect(await page.locator('figure.chart').count()).to.equal(2);
    const urls = await page.locator('code.url').allTextContents();
    expect(urls).to.include(`${base()}/t/<token>/pfsense.txt`).and.include(`${base()}/fortigate.txt`);
    expect(await page.textContent('body'))
      .to.include('set security dynamic-address feed-server apiban feed-name apiban path /srx.txt')
      .and.include(`MD5 URL: ${base()}/fmc.txt.md5`)
      .and.include(`set resource "${base()}/fortigate.txt"`)
      .and.include('set username "firewall"');
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
  // biome-ignore lint/suspicious/noExplicitAny: one output of status.json, walked by path
  async function outputOf(name: string): Promise<any> {
    return (await statusJson()).outputs.find((o: { name: string }) => o.name === name);
  }

  it('shows who polls an output (polled as pfSense polls it) and turns amber for the outputs nobody polls', async () => {
    await waitFor(async () => (await outputOf('edl')).fetches.stale === true, 'an output nobody polls to go stale', 30_000);
    const url = `${base()}/t/${SECRETS.pathToken}/pfsense.txt`;
    const before = Date.now();
    const first = await fetchRaw(url);
    expect(first.status).to.equal(200);
    const etag = String(first.headers.etag);
    const lastModified = String(first.headers['last-modified']);
    expect((await fetchRaw(url, { headers: { 'if-none-match': etag } })).status).to.equal(304);
    expect((await fetchRaw(url, { headers: { 'if-modified-since': lastModified } })).status).to.equal(304);
    // Another firewall with a wrong token, from another loopback address: refused, and listed.
    const wrong = await fetchRaw(`${base()}/t/wrong-token/pfsense.txt`, { localAddress: '127.0.0.2' });
    expect(wrong.status).to.equal(404);

    const model = await statusJson();
    const pfsense = model.outputs.find((o: { name: string }) => o.name === 'pfsense');
    expect(pfsense.fetches).to.include({ ok: 1, notModified: 2, refused: 1, other: 0 });
    const lastFetch = Date.parse(pfsense.fetches.lastFetchAt);
    expect(lastFetch).to.be.at.least(before).and.at.most(Date.parse(model.generatedAt));
    expect(
      pfsense.fetches.clients.map((c: { address: string; requests: number; lastStatus: number }) => [c.address, c.requests, c.lastStatus]),
    ).to.deep.equal([
      ['127.0.0.2', 1, 404],
      ['127.0.0.1', 3, 304],
    ]);
    expect(pfsense.fetches.stale).to.equal(Date.parse(model.generatedAt) - lastFetch > STALE_AFTER_MS);

    expect(model.verdict.level).to.equal('warn');
    const sections = model.verdict.problems.map((p: { section: string }) => p.section);
    expect(sections).to.include.members(['output-opnsense', 'output-srx', 'output-fmc', 'output-edl', 'output-fortigate']);
    expect(sections.includes('output-pfsense')).to.equal(pfsense.fetches.stale);

    const page = await openPage();
    await page.goto(`${base()}/`);
    const verdict = page.locator('#verdict');
    expect(await verdict.getAttribute('class')).to.equal('verdict warn');
    for (const section of sections) {
      expect(await verdict.locator(`a[href="#${section}"]`).count(), section).to.equal(1);
      expect(await page.locator(`[id="${section}"]`).count(), `the target of #${section}`).to.equal(1);
    }
    const card = page.locator('#output-pfsense');
    expect(await card.locator('code.client').allTextContents()).to.deep.equal(['127.0.0.2', '127.0.0.1']);
    const shownFetch = card.locator('.last-fetch time');
    expect(await shownFetch.getAttribute('datetime')).to.equal(pfsense.fetches.lastFetchAt);
    expect(await shownFetch.textContent()).to.match(/^(just now|\d+ s ago)$/);
    expect(await shownFetch.getAttribute('title')).to.match(/^\d{4}-\d\d-\d\d \d\d:\d\d:\d\d UTC$/);
    expect(await card.locator('.fetch-ok').textContent()).to.equal('1');
    expect(await card.locator('.fetch-not-modified').textContent()).to.equal('2');
    expect(await card.locator('.fetch-refused').textContent()).to.equal('1');
    expect(await page.locator('#output-edl .last-fetch').textContent()).to.equal('never since start');

    const metrics = (await fetchRaw(`${base()}/metrics`, { headers: { authorization: adminAuth } })).body.toString();
    expect(metrics).to.include(`apiban_exporter_output_last_fetch_timestamp_seconds{output="pfsense"} ${lastFetch / 1000}`);
    expect(metrics).to.include('apiban_exporter_http_requests_total{output="pfsense",code="304"} 2');
    expect(metrics).to.include('apiban_exporter_http_requests_total{output="pfsense",code="404"} 1');
    expect(metrics).to.match(/apiban_exporter_build_info\{version="\d+\.\d+\.\d+[^"]*",node="v\d+/);
    expect(lintExposition(metrics, ['apiban_exporter_', 'apiban_blocked_'])).to.deep.equal([]);
  });

  for (const width of [360, 1280]) {
    it(`fits ${width} px: no sideways page scroll, chart text of 11 px or more, a legend on every chart, no serious or moderate axe-core violation`, async () => {
      const banned = await fetchRaw(`${edgeOrigin()}/t/${SECRETS.edgeToken}/blockip/198.51.100.99`);
      expect(banned.status).to.equal(200);
      const page = await openPage(width);
      await page.goto(`${base()}/`);
      expect(await page.textContent('tr[data-edge-client="sbc1"]')).to.include('198.51.100.99');
      // The one inline script ran under the Content-Security-Policy (its hash is allowed).
      expect(await page.textContent('#tz')).to.include('your time zone');
      const scroll = await page.evaluate(() => ({ scrollWidth: document.documentElement.scrollWidth, innerWidth: window.innerWidth }));
      expect(scroll.scrollWidth, JSON.stringify(scroll)).to.be.at.most(scroll.innerWidth);

      const charts = await page.evaluate(() =>
        [...document.querySelectorAll('figure.chart')].map((figure) => {
          const sizes: number[] = [];
          const walker = document.createTreeWalker(figure, NodeFilter.SHOW_TEXT);
          for (let node = walker.nextNode(); node !== null; node = walker.nextNode()) {
            const element = node.parentElement as Element;
            if ((node.textContent ?? '').trim() === '' || element.closest('title') !== null) continue;
            const svg = element.closest('svg');
            // Text inside an SVG is scaled with the drawing: its size on screen is font size times the scale.
            const scale = svg === null ? 1 : svg.getBoundingClientRect().width / svg.viewBox.baseVal.width;
            sizes.push(Number.parseFloat(getComputedStyle(element).fontSize) * scale);
          }
          return {
            caption: figure.querySelector('figcaption')?.textContent,
            smallest: Math.min(...sizes),
            legend: figure.querySelectorAll('.legend li').length,
          };
        }),
      );
      expect(charts.map((c) => c.caption)).to.deep.equal(['Entries in the set', 'Added and removed per sync']);
      for (const chart of charts) expect(chart.smallest, `${chart.caption}: smallest text in px`).to.be.at.least(11);
      expect(charts.map((c) => c.legend)).to.deep.equal([1, 2]);

      await page.evaluate(AXE_SOURCE);
      const axe = await page.evaluate(async () => {
        // biome-ignore lint/suspicious/noExplicitAny: axe-core's global, injected above
        const results = await (window as any).axe.run(document);
        const violations = (results.violations as Array<{ id: string; impact: string; nodes: Array<{ target: string[] }> }>)
          .filter((v) => ['critical', 'serious', 'moderate'].includes(v.impact))
          .map((v) => `${v.impact} ${v.id}: ${v.nodes.map((n) => n.target.join(' ')).join(', ')}`);
        return { violations, passed: (results.passes as unknown[]).length };
      });
      expect(axe.passed, 'rules axe-core checked and found met').to.be.greaterThan(10);
      expect(axe.violations).to.deep.equal([]);
      const shot = join(dir, `status-page-${width}.png`);
      await page.screenshot({ path: shot, fullPage: true });
      console.log(`      screenshot: ${shot}`);
    });
  }
});
