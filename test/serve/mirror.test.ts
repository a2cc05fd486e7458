import { expect } from 'chai';
import { createApibanClient } from '../../src/apiban/client.js';
import { parsePrefix } from '../../src/banset/address.js';
import { createBanSet } from '../../src/banset/banset.js';
import type { Runtime } from '../../src/runtime/runtime.js';
import { advanceMirrorIndex, pageAfter, PAGE_SIZE } from '../../src/serve/mirror/index-pages.js';
import { bansOf, fetchRaw, ScriptedRunner, startTestDaemon } from './support.js';
import { present } from '../helpers/present.js';

const TOKEN = 'mirror-token-4b8e2d';

function addresses(count: number): string[] {
  return Array.from({ length: count }, (_, i) => `198.51.${100 + Math.floor(i / 256)}.${i % 256}`);
}

async function pageThrough(base: string, version: 'v1' | 'v2', key = TOKEN): Promise<{ entries: string[]; pages: number }> {
  const client = createApibanClient({
    key,
    baseUrl: base,
    version,
    set: 'sip',
    timeoutMs: 5000,
    budget: { requests: 1000, windowMs: 1000 },
  });
  const entries: string[] = [];
  let cursor = '100';
  let pages = 0;
  try {
    for (;;) {
      const page = await client.fetchPage(cursor);
      if (page.kind === 'caught-up') return { entries, pages };
      entries.push(...page.entries);
      cursor = page.next;
      pages++;
    }
  } finally {
    await client.close();
  }
}

describe('serve: APIBAN-compatible mirror', () => {
  let runner: ScriptedRunner;
  let daemon: Runtime;
  let base: string;
  const initial = addresses(600);

  beforeEach(async () => {
    runner = new ScriptedRunner(createBanSet(initial.map(parsePrefix)));
    ({ daemon, base } = await startTestDaemon(runner, { serve: { mirror: { enabled: true, tokens: [TOKEN] } } }));
    await daemon.syncNow();
  });
  afterEach(async () => {
    await daemon.shutdown();
  });

  for (const version of ['v2', 'v1'] as const) {
    it(`lets the project's own ${version} client page through the whole set, 250 at a time`, async () => {
      const { entries, pages } = await pageThrough(base, version);
      expect(pages).to.equal(Math.ceil(initial.length / PAGE_SIZE));
      expect(createBanSet(entries.map(parsePrefix)).equals(present(runner.current(), 'a published set').bans)).to.equal(true);
    });
  }

  it('hands out only what is new since a cursor, like APIBAN', async () => {
    const firstPass = await fetchRaw(`${base}/api/${TOKEN}/banned/100`);
    expect(firstPass.status).to.equal(200);
    let cursor = JSON.parse(firstPass.body.toString()).ID as string;
    for (;;) {
      const res = await fetchRaw(`${base}/api/${TOKEN}/banned/${cursor}`);
      const body = JSON.parse(res.body.toString());
      if (res.status === 400) {
        expect(body).to.deep.equal({ ipaddress: ['no new bans'], ID: 'none' });
        break;
      }
      cursor = body.ID;
    }
    runner.next = createBanSet([...initial, '203.0.113.9', '2001:db8::9'].map(parsePrefix));
    await daemon.syncNow();
    const next = await fetchRaw(`${base}/api/get`, {
      method: 'POST',
      headers: { authorization: `Bearer ${TOKEN}` },
      body: JSON.stringify({ set: 'sip', id: cursor }),
    });
    expect(next.status).to.equal(200);
    expect(JSON.parse(next.body.toString()).ipaddress).to.have.members(['203.0.113.9', '2001:db8::9']);
  });

  it("answers check with APIBAN's envelopes, for covered addresses too", async () => {
    runner.next = bansOf('192.0.2.0/24', '198.51.100.7');
    await daemon.syncNow();
    const listed = await fetchRaw(`${base}/api/${TOKEN}/check/192.0.2.55`);
    expect(listed.status).to.equal(200);
    const body = JSON.parse(listed.body.toString());
    expect(body.ipaddress).to.deep.equal(['192.0.2.55']);
    expect(body.ID).to.match(/^\d{10}$/);
    const notListed = await fetchRaw(`${base}/api/check`, {
      method: 'POST',
      headers: { authorization: `Bearer ${TOKEN}` },
      body: '{"set":"sip","ipaddress":"203.0.113.1"}',
    });
    expect(notListed.status).to.equal(400);
    expect(JSON.parse(notListed.body.toString())).to.deep.equal({ ipaddress: ['not blocked'], ID: 'none' });
  });

  it('answers a wrong token with 403 {"ipaddress":"none","ID":"unauthorized"} on v1 and v2', async () => {
    const v1 = await fetchRaw(`${base}/api/wrong-token-123/banned/100`);
    const v2 = await fetchRaw(`${base}/api/get`, {
      method: 'POST',
      headers: { authorization: 'Bearer wrong' },
      body: '{"set":"sip","id":"100"}',
    });
    const none = await fetchRaw(`${base}/api/get`, { method: 'POST', body: '{"set":"sip","id":"100"}' });
    for (const res of [v1, v2, none]) {
      expect(res.status).to.equal(403);
      expect(JSON.parse(res.body.toString())).to.deep.equal({ ipaddress: 'none', ID: 'unauthorized' });
    }
  });

  it('honours v2 `set`: the set it holds (sip, also when omitted) pages, any other set is 400 "none"', async () => {
    const get = (body: string) => fetchRaw(`${base}/api/get`, { method: 'POST', headers: { authorization: `Bearer ${TOKEN}` }, body });
    for (const body of ['{"set":"sip","id":"100"}', '{"id":"100"}']) {
      const res = await get(body);
      expect(res.status, body).to.equal(200);
      expect(JSON.parse(res.body.toString()).ipaddress).to.have.length(PAGE_SIZE);
    }
    for (const set of ['http', 'all', 'bogus']) {
      const page = await get(JSON.stringify({ set, id: '100' }));
      expect(page.status, set).to.equal(400);
      expect(JSON.parse(page.body.toString())).to.include({ ID: 'none' });
      const check = await fetchRaw(`${base}/api/check`, {
        method: 'POST',
        headers: { authorization: `Bearer ${TOKEN}` },
        body: JSON.stringify({ set, ipaddress: initial[0] }),
      });
      expect(check.status, set).to.equal(400);
    }
  });

  it('answers a non-numeric ID as APIBAN does: 400 "no new bans", never the first page', async () => {
    for (const id of ['abc', '12x', 'none', '-5']) {
      const v1 = await fetchRaw(`${base}/api/${TOKEN}/banned/${id}`);
      const v2 = await fetchRaw(`${base}/api/get`, {
        method: 'POST',
        headers: { authorization: `Bearer ${TOKEN}` },
        body: JSON.stringify({ set: 'sip', id }),
      });
      for (const res of [v1, v2]) {
        expect(res.status, id).to.equal(400);
        expect(JSON.parse(res.body.toString())).to.deep.equal({ ipaddress: ['no new bans'], ID: 'none' });
      }
    }
  });

  it('answers for the set it syncs (apiban.set: http) and refuses sip', async () => {
    const http = await startTestDaemon(new ScriptedRunner(bansOf('192.0.2.1')), {
      apiban: { set: 'http' },
      serve: { mirror: { enabled: true, tokens: [TOKEN] } },
    });
    try {
      await http.daemon.syncNow();
      const post = (set: string) =>
        fetchRaw(`${http.base}/api/get`, {
          method: 'POST',
          headers: { authorization: `Bearer ${TOKEN}` },
          body: JSON.stringify({ set, id: '100' }),
        });
      expect((await post('http')).status).to.equal(200);
      expect((await post('sip')).status).to.equal(400);
      expect((await fetchRaw(`${http.base}/api/${TOKEN}/banned/100`)).status, 'v1 means sip').to.equal(400);
    } finally {
      await http.daemon.shutdown();
    }
  });

  it('is absent unless enabled', async () => {
    const plain = await startTestDaemon(new ScriptedRunner(bansOf('192.0.2.1')));
    try {
      await plain.daemon.syncNow();
      expect((await fetchRaw(`${plain.base}/api/${TOKEN}/banned/100`)).status).to.equal(404);
    } finally {
      await plain.daemon.shutdown();
    }
  });
});

describe('serve: mirror index', () => {
  it('keeps IDs of entries that stay, numbers new ones above every earlier ID and drops removed ones', () => {
    const first = advanceMirrorIndex(undefined, bansOf('192.0.2.1', '192.0.2.2'), 1_700_000_000_000);
    expect(first.ids[0]).to.be.greaterThan(1_700_000_000);
    const second = advanceMirrorIndex(first, bansOf('192.0.2.2', '192.0.2.3'), 1_700_000_000_000);
    expect(second.entries).to.deep.equal(['192.0.2.2', '192.0.2.3']);
    expect(second.idOf.get('192.0.2.2')).to.equal(first.idOf.get('192.0.2.2'));
    expect(second.idOf.get('192.0.2.3')).to.be.greaterThan(Math.max(...first.ids));
    expect(pageAfter(second, String(second.ids[1]))).to.equal(undefined);
    expect(present(pageAfter(second, '100'), 'a page').ips).to.deep.equal(second.entries);
    expect(present(pageAfter(second, '1'), 'a page').ips, 'a cursor from an earlier run restarts from the beginning').to.deep.equal(
      second.entries,
    );
    expect(pageAfter(second, 'abc'), 'not an APIBAN ID').to.equal(undefined);
  });

  it('never gives an ID twice: after the newest entry leaves, the next one is numbered above it', () => {
    const at = 1_700_000_000_000;
    const first = advanceMirrorIndex(undefined, bansOf('192.0.2.1', '192.0.2.2'), at);
    const cursor = String(first.idOf.get('192.0.2.2'));
    const removed = advanceMirrorIndex(first, bansOf('192.0.2.1'), at);
    const returned = advanceMirrorIndex(removed, bansOf('192.0.2.1', '192.0.2.2', '192.0.2.3'), at);
    expect(present(pageAfter(returned, cursor), 'a page').ips, 'what a client caught up at the removed entry has not seen').to.deep.equal([
      '192.0.2.2',
      '192.0.2.3',
    ]);
  });
});
