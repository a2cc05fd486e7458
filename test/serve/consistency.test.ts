/**
 * Under load, while syncs replace the set many times, every response must be one complete
 * version: a body that some version rendered exactly, with the ETag of that body.
 */
import { expect } from 'chai';
import { createHash } from 'node:crypto';
import { Agent, request } from 'node:http';
import type { BanSet } from '../../src/banset/banset.js';
import { renderOutput } from '../../src/writers/render.js';
import { getTarget } from '../helpers/registries.js';
import { bansOf, ScriptedRunner, startTestDaemon } from './support.js';
import { present } from '../helpers/present.js';

function version(n: number): BanSet {
  // Sizes differ per version, so a mixed or cut body cannot look like a complete one.
  return bansOf(...Array.from({ length: 100 + n * 3 }, (_, i) => `198.51.${100 + (n % 3)}.${i}`), `2001:db8::${n.toString(16)}`);
}

function fetchKeepAlive(agent: Agent, url: string): Promise<{ status: number; etag: string; body: Buffer }> {
  return new Promise((resolve, reject) => {
    request(url, { agent }, (res) => {
      const chunks: Buffer[] = [];
      res.on('data', (c: Buffer) => chunks.push(c));
      res.on('end', () => resolve({ status: res.statusCode ?? 0, etag: String(res.headers.etag), body: Buffer.concat(chunks) }));
      res.on('error', reject);
    })
      .on('error', reject)
      .end();
  });
}

describe('serve: consistency under load', function () {
  this.timeout(20_000);

  it('never sends a partial or mixed version while the set changes 40 times', async () => {
    const writer = present(getTarget('plain'), 'the plain target');
    const options = writer.options.parse({});
    const versions = Array.from({ length: 40 }, (_, n) => version(n));
    const bodies = new Set(versions.map((bans) => renderOutput(writer, bans, options)));
    const runner = new ScriptedRunner(versions[0]);
    const { daemon, base } = await startTestDaemon(runner);
    const agent = new Agent({ keepAlive: true, maxSockets: 16 });
    let received = 0;
    let syncing = true;
    try {
      await daemon.syncNow();
      const clients = Array.from({ length: 16 }, async () => {
        while (syncing) {
          const res = await fetchKeepAlive(agent, `${base}/plain.txt`);
          expect(res.status).to.equal(200);
          expect(bodies.has(res.body.toString('utf8')), 'a body no version rendered').to.equal(true);
          expect(res.etag).to.equal(`"${createHash('sha256').update(res.body).digest('base64url')}"`);
          received++;
        }
      });
      for (const bans of versions.slice(1)) {
        runner.next = bans;
        await daemon.syncNow();
        await new Promise((resolve) => setImmediate(resolve));
      }
      syncing = false;
      await Promise.all(clients);
    } finally {
      syncing = false;
      agent.destroy();
      await daemon.shutdown();
    }
    expect(received).to.be.greaterThan(40);
  });
});
