/**
 * Random request lines and bodies thrown at the endpoint (fast-check): every answer is a 4xx or a
 * 200 in iptables-api's JSON shape, never a 5xx, and the stored bans never hold anything the
 * policy forbids (checked by running each stored ban through the policy once more).
 */
import { expect } from 'chai';
import fc from 'fast-check';
import { parsePrefix } from '../../src/banset/address.js';
import { applyPolicy, Candidates, DEFAULT_POLICY } from '../../src/banset/policy.js';
import { fetchRaw } from '../serve/support.js';
import { type Endpoint, removeDir, startEndpoint } from './support.js';

const policy = { ...DEFAULT_POLICY, allowlist: [parsePrefix('198.51.100.0/28'), parsePrefix('2001:db8::/48')] };

const octet = fc.integer({ min: 0, max: 255 }).map(String);
const address = fc.oneof(
  fc.tuple(octet, octet, octet, octet).map((parts) => parts.join('.')),
  fc.tuple(fc.constantFrom('198.51.100.', '10.0.0.', '127.0.0.', '192.168.1.', '203.0.113.'), octet).map(([a, b]) => a + b),
  fc.tuple(fc.ipV4(), fc.integer({ min: 0, max: 40 })).map(([ip, len]) => `${ip}/${len}`),
  fc.ipV6(),
  fc.constantFrom('::ffff:10.0.0.1', '64:ff9b::a00:1', '2002:a00:1::', 'fe80::1%eth0', '0.0.0.0/0', '::/0', '2001:db8::1', ''),
  fc.string({ maxLength: 20 }),
);
const verb = fc.constantFrom('addip', 'blockip', 'puship', 'removeip', 'unblockip', 'flushchain', 'banip', 't/x', '');
const path = fc.oneof(
  fc.tuple(verb, address).map(([v, a]) => `/${v}/${encodeURIComponent(a)}`),
  fc.tuple(verb, address, fc.string({ maxLength: 8 })).map(([v, a, q]) => `/${v}/${encodeURIComponent(a)}?ttl=${encodeURIComponent(q)}`),
  fc.webPath().map((p) => (p.startsWith('/') ? p : `/${p}`)),
);
const body = fc.oneof(
  address.map((a) => JSON.stringify({ ipaddress: a })),
  fc.json(),
  fc.string({ maxLength: 64 }),
);
const request = fc.record({ method: fc.constantFrom('GET', 'POST', 'PUT', 'DELETE', 'PATCH'), path, body });

describe('ingest endpoint under random input', () => {
  let endpoint: Endpoint;
  before(async () => {
    endpoint = await startEndpoint({ requestsPerSecond: 1_000_000 }, { policy });
  });
  after(async () => {
    await endpoint.close();
    await removeDir(endpoint.stateDir);
  });

  it('answers every request in JSON without a 5xx and never stores a ban the policy forbids', async () => {
    await fc.assert(
      fc.asyncProperty(request, async ({ method, path: url, body: text }) => {
        const withBody = method === 'GET' ? {} : { headers: { 'content-length': String(Buffer.byteLength(text)) }, body: text };
        const answer = await fetchRaw(`${endpoint.base}${url}`, { method, ...withBody });
        expect(answer.status, `${method} ${url}`).to.be.oneOf([200, 400, 403, 404, 405, 413, 429]);
        const json = JSON.parse(answer.body.toString());
        expect(Object.keys(json)).to.have.length(1);
      }),
      { numRuns: 400 },
    );
    const stored = [...endpoint.ingest.liveByClient().values()].flat();
    expect(stored.length, 'some random bans were accepted').to.be.greaterThan(0);
    const candidates = new Candidates();
    for (const key of stored) candidates.add(parsePrefix(key));
    const { report } = applyPolicy(candidates, policy);
    expect([report.tooWide, report.protectedHits, report.allowlistHits]).to.deep.equal([0, 0, 0]);
  });
});
