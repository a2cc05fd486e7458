/**
 * The ingest endpoint against iptables-api's API (palner/iptables-api go/iptables-api.go and its
 * README "API Usage"): verbs, answers, fencing, per-client flush, policy, caps, TTL and bad input.
 */
import { expect } from 'chai';
import { readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { parsePrefix } from '../../src/banset/address.js';
import { DEFAULT_POLICY } from '../../src/banset/policy.js';
import { JOURNAL_FILE } from '../../src/ingest/journal.js';
import { fetchRaw } from '../serve/support.js';
import { call, type Endpoint, liveBans, removeDir, startEndpoint, TOKEN } from './support.js';

describe('ingest endpoint (iptables-api compatible)', () => {
  let endpoint: Endpoint;
  afterEach(async () => {
    await endpoint.close();
    await removeDir(endpoint.stateDir);
  });

  describe('verbs and answers', () => {
    beforeEach(async () => {
      endpoint = await startEndpoint();
    });

    it('adds with /addip and /blockip, answering {"success":"added"} as application/json', async () => {
      const first = await call(`${endpoint.base}/addip/198.51.100.7`);
      expect(first.status).to.equal(200);
      expect(first.raw.body.toString()).to.equal('{"success":"added"}\n');
      expect(first.raw.headers['content-type']).to.equal('application/json');
      expect((await call(`${endpoint.base}/blockip/2001:db8::7`)).json).to.deep.equal({ success: 'added' });
      expect(liveBans(endpoint.ingest)).to.deep.equal(['sbc1 198.51.100.7', 'sbc1 2001:db8::7']);
    });

    it('removes with /removeip and /unblockip, {"success":"deleted"} whether present or not', async () => {
      await call(`${endpoint.base}/blockip/198.51.100.7`);
      expect((await call(`${endpoint.base}/removeip/198.51.100.7`)).json).to.deep.equal({ success: 'deleted' });
      expect((await call(`${endpoint.base}/unblockip/198.51.100.8`)).json).to.deep.equal({ success: 'deleted' });
      expect(liveBans(endpoint.ingest)).to.deep.equal([]);
    });

    it('adds with POST and PUT on / and removes with DELETE, reading {"ipaddress":...} in any key case', async () => {
      const post = await call(`${endpoint.base}/`, { method: 'POST', body: '{"ipaddress":"198.51.100.9"}' });
      expect([post.status, post.json]).to.deep.equal([200, { success: 'added' }]);
      await call(`${endpoint.base}/`, { method: 'PUT', body: '{"IPAddress":"198.51.100.10"}' });
      expect(liveBans(endpoint.ingest)).to.deep.equal(['sbc1 198.51.100.10', 'sbc1 198.51.100.9']);
      // node:http sends a DELETE body unframed unless told its length; curl and Kamailio send it.
      const body = '{"ipaddress":"198.51.100.9"}';
      const del = await call(`${endpoint.base}/`, { method: 'DELETE', body, headers: { 'content-length': String(body.length) } });
      expect([del.status, del.json]).to.deep.equal([200, { success: 'deleted' }]);
      const missing = await call(`${endpoint.base}/`, { method: 'POST', body: '{"address":"198.51.100.9"}' });
      expect([missing.status, missing.json]).to.deep.equal([400, { error: 'ipaddress is missing. ' }]);
      expect(liveBans(endpoint.ingest)).to.deep.equal(['sbc1 198.51.100.10']);
    });

    it('pushes once: /puship answers "ip already exists" (400) when the address is banned', async () => {
      expect((await call(`${endpoint.base}/puship/198.51.100.11`)).json).to.deep.equal({ success: 'pushed' });
      const again = await call(`${endpoint.base}/puship/198.51.100.11`);
      expect([again.status, again.json]).to.deep.equal([400, { error: 'ip already exists' }]);
    });

    it('flushes with {"result":"ipv4 flushed. ipv6 flushed. "}', async () => {
      await call(`${endpoint.base}/blockip/198.51.100.7`);
      const flushed = await call(`${endpoint.base}/flushchain`);
      expect([flushed.status, flushed.json]).to.deep.equal([200, { result: 'ipv4 flushed. ipv6 flushed. ' }]);
      expect(liveBans(endpoint.ingest)).to.deep.equal([]);
    });

    it('answers bad input with a 4xx in the same JSON shape and stores nothing', async () => {
      const cases: [string, { method?: string; body?: string }, number, string][] = [
        ['/blockip/1.2.3', {}, 400, 'only valid ip addresses supported'],
        ['/blockip/::ffff:198.51.100.1', {}, 400, 'refused: ::ffff:c633:6401 is in a protected range (policy.protectSpecialRanges)'],
        ['/blockip/fe80::1%25eth0', {}, 400, 'only valid ip addresses supported'],
        ['/blockip/198.51.100.1%', {}, 400, 'only valid ip addresses supported'],
        ['/blockip/198.51.100.1', { method: 'POST' }, 405, 'method not allowed'],
        ['/flushchain', { method: 'DELETE' }, 405, 'method not allowed'],
        ['/', { method: 'GET' }, 405, 'method not allowed'],
        ['/banip/198.51.100.1', {}, 404, 'unknown path'],
        ['/', { method: 'POST', body: 'ipaddress=198.51.100.1' }, 400, 'body is not JSON (send {"ipaddress":"<ip>"})'],
        ['/', { method: 'POST', body: JSON.stringify({ ipaddress: 'x'.repeat(5000) }) }, 413, 'body larger than 4096 bytes'],
        ['/blockip/198.51.100.1?ttl=forever', {}, 400, 'ttl "forever" is not a duration of at least 1s (e.g. 600 or 10m)'],
        ['/blockip/198.51.100.1?ttl=25h', {}, 400, 'ttl 25h is longer than ingest.maxTtl (86400s)'],
      ];
      for (const [path, options, status, error] of cases) {
        const answer = await call(`${endpoint.base}${path}`, options);
        expect([path, answer.status, answer.json]).to.deep.equal([path, status, { error }]);
      }
      expect(liveBans(endpoint.ingest)).to.deep.equal([]);
    });

    it('refuses a duplicated Authorization header', async () => {
      const answer = await call(`${endpoint.base}/blockip/198.51.100.1`, {
        headers: { authorization: ['Bearer a', 'Bearer b'] as unknown as string },
      });
      expect([answer.status, answer.json]).to.deep.equal([400, { error: 'header authorization given more than once' }]);
      expect(liveBans(endpoint.ingest)).to.deep.equal([]);
    });
  });

  describe('clients', () => {
    beforeEach(async () => {
      endpoint = await startEndpoint();
    });

    it('answers 403 to an address no client may call from, and changes nothing', async () => {
      await call(`${endpoint.base}/blockip/198.51.100.7`);
      for (const path of ['/blockip/198.51.100.8', '/flushchain', '/removeip/198.51.100.7']) {
        const answer = await call(`${endpoint.base}${path}`, { localAddress: '127.0.0.4' });
        expect([answer.status, answer.json]).to.deep.equal([403, { error: 'forbidden' }]);
      }
      expect(liveBans(endpoint.ingest)).to.deep.equal(['sbc1 198.51.100.7']);
    });

    it('admits a token client with its token in the path or as Bearer, never without it', async () => {
      const local = { localAddress: '127.0.0.3' };
      expect((await call(`${endpoint.base}/blockip/198.51.100.20`, local)).status).to.equal(403);
      expect((await call(`${endpoint.base}/t/wrong-token-0123456789/blockip/198.51.100.20`, local)).status).to.equal(403);
      expect((await call(`${endpoint.base}/t/${TOKEN}/blockip/198.51.100.20`, local)).status).to.equal(200);
      const bearer = await call(`${endpoint.base}/blockip/198.51.100.21`, { ...local, headers: { authorization: `Bearer ${TOKEN}` } });
      expect(bearer.status).to.equal(200);
      expect(liveBans(endpoint.ingest)).to.deep.equal(['tokened 198.51.100.20', 'tokened 198.51.100.21']);
    });

    it("flushes and removes only the calling client's bans", async () => {
      await call(`${endpoint.base}/blockip/198.51.100.1`);
      await call(`${endpoint.base}/blockip/198.51.100.2`, { localAddress: '127.0.0.2' });
      await call(`${endpoint.base}/blockip/198.51.100.3`, { localAddress: '127.0.0.2' });
      await call(`${endpoint.base}/removeip/198.51.100.2`);
      expect((await call(`${endpoint.base}/flushchain`)).status).to.equal(200);
      expect(liveBans(endpoint.ingest)).to.deep.equal(['sbc2 198.51.100.2', 'sbc2 198.51.100.3']);
    });
  });

  describe('guards', () => {
    it('refuses what the policy forbids, naming the rule', async () => {
      const policy = { ...DEFAULT_POLICY, allowlist: [parsePrefix('198.51.100.0/24')] };
      endpoint = await startEndpoint({}, { policy });
      const cases: [string, string][] = [
        ['10.1.2.3', 'refused: 10.1.2.3 is in a protected range (policy.protectSpecialRanges)'],
        ['64:ff9b::a01:203', 'refused: 64:ff9b::a01:203 is in a protected range (policy.protectSpecialRanges)'],
        ['198.51.100.5', 'refused: 198.51.100.5 is on the allowlist (policy.allowlist)'],
        ['198.51.0.0/16', 'refused: 198.51.0.0/16 is on the allowlist (policy.allowlist)'],
        ['203.0.0.0/8', 'refused: 203.0.0.0/8 is wider than policy.minPrefixLength.v4 (/16)'],
      ];
      for (const [address, error] of cases) {
        const answer = await call(`${endpoint.base}/blockip/${encodeURIComponent(address)}`);
        expect([address, answer.status, answer.json]).to.deep.equal([address, 400, { error }]);
      }
      expect((await call(`${endpoint.base}/blockip/203.0.113.0%2F24`)).status).to.equal(200);
      expect(liveBans(endpoint.ingest)).to.deep.equal(['sbc1 203.0.113.0/24']);
    });

    it('caps live bans per client with 429 and keeps what was accepted', async () => {
      endpoint = await startEndpoint({ maxBansPerClient: 2 });
      expect((await call(`${endpoint.base}/blockip/198.51.100.1`)).status).to.equal(200);
      expect((await call(`${endpoint.base}/blockip/198.51.100.2`)).status).to.equal(200);
      const over = await call(`${endpoint.base}/blockip/198.51.100.3`);
      expect([over.status, over.json]).to.deep.equal([429, { error: 'client sbc1 holds 2 live bans (ingest.maxBansPerClient)' }]);
      expect((await call(`${endpoint.base}/blockip/198.51.100.1`)).status, 'a repeat is not a new ban').to.equal(200);
      expect((await call(`${endpoint.base}/blockip/198.51.100.4`, { localAddress: '127.0.0.2' })).status, 'another client').to.equal(200);
      expect(liveBans(endpoint.ingest)).to.deep.equal(['sbc1 198.51.100.1', 'sbc1 198.51.100.2', 'sbc2 198.51.100.4']);
    });

    it('limits requests per second per client with 429 and Retry-After', async () => {
      endpoint = await startEndpoint({ requestsPerSecond: 3 });
      const statuses: number[] = [];
      for (let i = 1; i <= 5; i++) statuses.push((await call(`${endpoint.base}/blockip/198.51.100.${i}`)).status);
      expect(statuses).to.deep.equal([200, 200, 200, 429, 429]);
      const limited = await fetchRaw(`${endpoint.base}/blockip/198.51.100.9`);
      expect(limited.headers['retry-after']).to.equal('1');
      expect((await call(`${endpoint.base}/blockip/198.51.100.9`, { localAddress: '127.0.0.2' })).status).to.equal(200);
      endpoint.clock.at += 1000;
      expect((await call(`${endpoint.base}/blockip/198.51.100.6`)).status).to.equal(200);
      expect(liveBans(endpoint.ingest)).to.have.length(5);
    });
  });

  describe('expiry and the journal', () => {
    it('expires bans after their TTL; a repeated block extends it; ?ttl= sets it', async () => {
      endpoint = await startEndpoint({ ttl: '10m' });
      await call(`${endpoint.base}/blockip/198.51.100.1`);
      await call(`${endpoint.base}/blockip/198.51.100.2?ttl=3600`);
      endpoint.clock.at += 9 * 60_000;
      await call(`${endpoint.base}/blockip/198.51.100.1`);
      endpoint.clock.at += 9 * 60_000;
      expect(liveBans(endpoint.ingest)).to.deep.equal(['sbc1 198.51.100.1', 'sbc1 198.51.100.2']);
      endpoint.clock.at += 2 * 60_000;
      expect(liveBans(endpoint.ingest)).to.deep.equal(['sbc1 198.51.100.2']);
      endpoint.clock.at += 3600_000;
      expect(liveBans(endpoint.ingest)).to.deep.equal([]);
    });

    it('restores live bans with their remaining TTL from the journal, skipping torn lines', async () => {
      endpoint = await startEndpoint({ ttl: '10m' });
      await call(`${endpoint.base}/blockip/198.51.100.1`);
      await call(`${endpoint.base}/blockip/198.51.100.2`, { localAddress: '127.0.0.2' });
      await call(`${endpoint.base}/flushchain`, { localAddress: '127.0.0.2' });
      await call(`${endpoint.base}/blockip/198.51.100.3`);
      await call(`${endpoint.base}/removeip/198.51.100.3`);
      await endpoint.close();
      const path = join(endpoint.stateDir, JOURNAL_FILE);
      const { appendFile } = await import('node:fs/promises');
      await appendFile(path, 'not json\n{"op":"ban","client":"sbc1","ban":"10.0.0.999","until":1}\n{"op":"ban","cli');
      const clock = endpoint.clock;
      clock.at += 5 * 60_000;
      endpoint = await startEndpoint({ ttl: '10m' }, { stateDir: endpoint.stateDir, clock });
      expect(liveBans(endpoint.ingest)).to.deep.equal(['sbc1 198.51.100.1']);
      // Compacted: the one live ban, and the two that ended (kept for check and history) with how.
      const compacted = (await readFile(path, 'utf8'))
        .trim()
        .split('\n')
        .map((line) => JSON.parse(line) as Record<string, unknown>);
      expect(compacted.map((l) => [l.op, l.client, l.ban, l.how])).to.deep.equal([
        ['ended', 'sbc2', '198.51.100.2', 'flushed'],
        ['ended', 'sbc1', '198.51.100.3', 'removed'],
        ['ban', 'sbc1', '198.51.100.1', undefined],
      ]);
      clock.at += 5 * 60_000;
      expect(liveBans(endpoint.ingest)).to.deep.equal([]);
    });
  });
});
