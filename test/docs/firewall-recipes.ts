/**
 * The firewall recipes of docs/serve.md's "Pointing firewalls at it", each polled exactly as the
 * firewall is told to, against a serve running the sample configuration as docs/deploy.md
 * installed it (the secrets are the guide's credential files). Registered inside the deploy
 * test's describe, after the service is up.
 */
import { expect } from 'chai';
import { createHash } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { REPO_ROOT } from '../helpers/paths.js';
import { present } from '../helpers/present.js';
import { basicAuth, fetchRaw } from '../serve/support.js';
import { fencedBlocks } from './markdown.js';

const DOCS_HOST = 'http://exporter.example.net:8080';

export interface RunningService {
  /** `http://127.0.0.1:PORT` of the running serve. */
  base: string;
  /** The content of one of the guide's credential files. */
  secret(name: string): string;
}

function serveSection(): string {
  const text = readFileSync(join(REPO_ROOT, 'docs', 'serve.md'), 'utf8');
  return text.slice(text.indexOf('## Pointing firewalls at it'), text.indexOf('## Speed'));
}

function paragraph(startsWith: string): string {
  const found = serveSection()
    .split('\n\n')
    .find((p) => p.startsWith(startsWith));
  return present(found, `a paragraph of docs/serve.md starting ${startsWith}`);
}

function codeBlockAfter(heading: string): string {
  const section = serveSection();
  const at = section.indexOf(heading);
  const block = fencedBlocks('docs/serve.md').find((b) => section.slice(at).includes(b.body.trim()));
  return present(block, `a code block after ${heading}`).body;
}

function expectList(res: { status: number; body: Buffer }, what: string, listed: readonly string[]): void {
  expect(res.status, `${what}: ${res.body.toString().slice(0, 200)}`).to.equal(200);
  const lines = res.body.toString().split('\n');
  for (const entry of listed)
    expect(
      lines.some((l) => l.startsWith(entry)),
      `${what} lists ${entry}`,
    ).to.equal(true);
}

/** Registers one test per firewall; `listed` are entries the fake APIBAN serves. */
export function firewallRecipes(service: () => RunningService, listed: readonly string[]): void {
  /** A URL as docs/serve.md writes it, pointed at this serve. */
  const local = (url: string) => {
    const { base } = service();
    return url.replace(DOCS_HOST, base).replace('exporter.example.net:8080', base.slice('http://'.length));
  };
  const secret = (name: string) => service().secret(name);
  const check = (res: { status: number; body: Buffer }, what: string) => expectList(res, what, listed);

  it('pfSense: the path-token URL, no credentials, no Accept-Encoding', async () => {
    const url = present(/`(http:\/\/\S+\/t\/<token>\/pfsense\.txt)`/.exec(paragraph('**pfSense**'))?.[1], 'the pfSense URL');
    check(await fetchRaw(local(url.replace('<token>', secret('feed-path-token')))), 'pfSense');
    expect((await fetchRaw(`${service().base}/pfsense.txt`)).status, 'without the token the path does not exist').to.equal(404);
  });

  it('OPNsense: the URL with Bearer, and with Basic', async () => {
    const url = local(present(/URL `(http:\/\/\S+\/opnsense\.txt)`/.exec(paragraph('**OPNsense**'))?.[1], 'the OPNsense URL'));
    check(await fetchRaw(url, { headers: { authorization: `Bearer ${secret('feed-bearer-token')}` } }), 'OPNsense Bearer');
    check(await fetchRaw(url, { headers: { authorization: basicAuth('firewall', secret('feed-password')) } }), 'OPNsense Basic');
    expect((await fetchRaw(url)).status).to.equal(401);
  });

  it('Juniper SRX: Basic credentials in the feed-server URL, the feed path', async () => {
    const block = codeBlockAfter('**Juniper SRX**');
    const server = present(/url (\S+)/.exec(block)?.[1], 'the url line').replace('<password>', secret('feed-password'));
    const path = present(/path (\S+)/.exec(block)?.[1], 'the path line');
    check(await fetchRaw(local(server) + path), 'SRX'); // node sends user:password@ as Basic, as the SRX does
  });

  it('Cisco FMC: the feed and its MD5 URL, no authentication, from an allowed address', async () => {
    const [feed, md5] = [...paragraph('**Cisco FMC').matchAll(/`(http:\/\/[^`]+)`/g)].map((m) => local(m[1]));
    const list = await fetchRaw(feed);
    check(list, 'FMC');
    const sum = await fetchRaw(md5);
    expect(sum.status).to.equal(200);
    expect(sum.body.toString().trim()).to.equal(createHash('md5').update(list.body).digest('hex'));
  });

  it('Palo Alto: the EDL source with Basic credentials', async () => {
    const url = local(present(/`(http:\/\/\S+\/edl\.txt)`/.exec(paragraph('**Palo Alto**'))?.[1], 'the Palo Alto URL'));
    const user = present(/user `([^`]+)`/.exec(paragraph('**Palo Alto**'))?.[1], 'the Palo Alto user');
    check(await fetchRaw(url, { headers: { authorization: basicAuth(user, secret('feed-password')) } }), 'Palo Alto');
    expect((await fetchRaw(url)).status).to.equal(401);
  });

  it("FortiGate: the external-resource block's resource, username and password", async () => {
    const block = codeBlockAfter('**FortiGate**');
    const field = (name: string) => present(new RegExp(`set ${name} "([^"]+)"`).exec(block)?.[1], `set ${name}`);
    const password = field('password').replace('<password>', secret('feed-password'));
    check(await fetchRaw(local(field('resource')), { headers: { authorization: basicAuth(field('username'), password) } }), 'FortiGate');
  });
}
