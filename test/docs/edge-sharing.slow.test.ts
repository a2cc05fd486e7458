/**
 * docs/edge.md "Sharing edge bans", run as written: exporter A (the ingest endpoint and the mirror
 * with includeEdge) polls the fake APIBAN; replica B takes A's mirror as its APIBAN. Both are the
 * real CLI as child processes on 127.0.0.1. The YAML blocks come from the docs; the test adds the
 * ports, the state directories, the token file and test-speed sync settings (B's fullResync too,
 * so a ban that ended leaves B within the test, not within 15 minutes).
 */
import { expect } from 'chai';
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { parse as parseYaml, stringify } from 'yaml';
import { FAKE_APIBAN_KEY, startFakeApiban, type FakeApiban } from '../helpers/fake-apiban.js';
import { startServe, waitFor, type ServeProcess } from '../helpers/serve-process.js';
import { fetchRaw } from '../serve/support.js';
import { fencedBlocks } from './markdown.js';
import { present } from '../helpers/present.js';

const TOKEN = 'edge-sharing-token-3f9b7a';
const EDGE_BAN = '198.51.100.77';

// biome-ignore lint/suspicious/noExplicitAny: YAML from the docs, walked by path; a wrong path fails the test
function recipeBlocks(): { a: Record<string, any>; b: Record<string, any> } {
  const blocks = fencedBlocks('docs/edge.md').filter((b) => b.lang === 'yaml' && b.body.includes('mirror'));
  const a = blocks.filter((b) => b.body.includes('includeEdge: true'));
  const b = blocks.filter((b) => b.body.includes('REPLICA_TOKEN'));
  expect([a.length, b.length], 'the exporter and replica blocks of docs/edge.md').to.deep.equal([1, 1]);
  return { a: parseYaml(a[0].body), b: parseYaml(b[0].body) };
}

describe('docs: edge bans shared through the mirror reach a replica', function () {
  this.timeout(120_000);
  let fake: FakeApiban;
  let a: ServeProcess | undefined;
  let b: ServeProcess | undefined;
  let edge: string;
  const url = (replica: ServeProcess | undefined, path: string) => `http://127.0.0.1:${present(replica, 'a replica').port}${path}`;
  const plain = async (replica: ServeProcess | undefined) => (await fetchRaw(url(replica, '/plain.txt'))).body.toString();
  const mirrorCheck = async () => (await fetchRaw(url(a, `/api/${TOKEN}/check/${EDGE_BAN}`))).status;

  before(async () => {
    fake = await startFakeApiban({ addresses: ['192.0.2.10', '203.0.113.20'] });
    const dir = mkdtempSync(join(tmpdir(), 'apiban-edge-sharing-'));
    const recipe = recipeBlocks();
    writeFileSync(join(dir, 'mirror-tokens'), `${TOKEN}\n`);
    const testSpeed = { interval: '200ms' };
    const budget = { requests: 1000, window: '1s' }; // the fake and the mirror need no pacing here
    const outputs = [{ name: 'plain', target: 'plain' }];
    const configA = join(dir, 'a.yaml');
    writeFileSync(
      configA,
      stringify({
        ...recipe.a,
        ingest: { ...recipe.a.ingest, listen: '127.0.0.1:0' },
        serve: { ...recipe.a.serve, mirror: { ...recipe.a.serve.mirror, tokensFile: join(dir, 'mirror-tokens') } },
        state: { dir: join(dir, 'state-a') },
        sync: testSpeed,
        apiban: { budget },
        outputs,
      }),
    );
    a = await startServe(configA, { APIBAN_KEY: FAKE_APIBAN_KEY, APIBAN_BASE_URL: fake.url });
    const ingestLine = a
      .stderr()
      .split('\n')
      .find((line) => line.includes('edge ingest listening'));
    edge = `http://127.0.0.1:${JSON.parse(present(ingestLine, "A's edge ingest log line")).port}`;
    const configB = join(dir, 'b.yaml');
    writeFileSync(
      configB,
      stringify({
        ...recipe.b,
        apiban: { ...recipe.b.apiban, baseUrl: `http://127.0.0.1:${a.port}`, budget },
        sync: { ...recipe.b.sync, ...testSpeed, fullResync: '1s' },
        state: { dir: join(dir, 'state-b') },
        outputs,
      }),
    );
    // biome-ignore lint/suspicious/noTemplateCurlyInString: the config's own ${VAR} substitution, not a template
    b = await startServe(configB, { REPLICA_TOKEN: recipe.b.apiban.key === '${REPLICA_TOKEN}' ? TOKEN : 'the docs changed' });
    await waitFor(async () => (await plain(b)).includes('\n203.0.113.20\n'), "B to hold A's set", 60_000);
  });

  after(async () => {
    a?.child.kill('SIGTERM');
    b?.child.kill('SIGTERM');
    await fake?.close();
  });

  it("lists a /blockip on A in A's mirror, and B serves it", async () => {
    const blocked = await fetchRaw(`${edge}/blockip/${EDGE_BAN}`);
    expect(JSON.parse(blocked.body.toString())).to.deep.equal({ success: 'added' });
    await waitFor(async () => (await mirrorCheck()) === 200, "the edge ban in A's mirror");
    await waitFor(async () => (await plain(b)).includes(`\n${EDGE_BAN}\n`), 'the edge ban in B /plain.txt', 60_000);
  });

  it('drops it from the mirror and from B once it is removed on A', async () => {
    await fetchRaw(`${edge}/removeip/${EDGE_BAN}`);
    await waitFor(async () => (await mirrorCheck()) === 400, "the removed ban out of A's mirror");
    await waitFor(async () => !(await plain(b)).includes(EDGE_BAN), 'the removed ban out of B at its next full download', 60_000);
    expect(await plain(b)).to.include('\n192.0.2.10\n');
  });

  it("leaves APIBAN to A: the fake saw only A's key", () => {
    expect(fake.requests.every((r) => r.authorization === `Bearer ${FAKE_APIBAN_KEY}`)).to.equal(true);
  });
});
