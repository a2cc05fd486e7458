import { expect } from 'chai';
import { ApibanError, ApibanMalformedError, ApibanRateLimitError, ApibanUnauthorizedError } from '../../src/errors.js';
import { createApibanClient, parseRetryAfter, type ApibanClientOptions, type ApibanOutcome } from '../../src/apiban/client.js';
import { startFakeApiban, type FakeApiban, type FakeFault } from '../helpers/fake-apiban.js';
import { captureLog } from './capture-log.js';

function addresses(count: number, offset = 0): string[] {
  return Array.from({ length: count }, (_, i) => `198.51.${100 + Math.floor((i + offset) / 250)}.${(i + offset) % 250}`);
}

function clientFor(fake: FakeApiban, overrides: Partial<ApibanClientOptions> = {}) {
  return createApibanClient({
    key: fake.key,
    baseUrl: fake.url,
    version: 'v2',
    set: 'sip',
    timeoutMs: 2000,
    budget: { requests: 1000, windowMs: 1000 },
    retry: { baseDelayMs: 5 },
    ...overrides,
  });
}

async function failure(promise: Promise<unknown>): Promise<Error> {
  try {
    await promise;
  } catch (error) {
    return error as Error;
  }
  throw new Error('expected a rejection');
}

describe('apiban/client against the fake APIBAN server', function () {
  this.timeout(10_000);
  let fake: FakeApiban;
  afterEach(async () => {
    await fake.close();
  });

  for (const version of ['v2', 'v1'] as const) {
    describe(version, () => {
      beforeEach(async () => {
        fake = await startFakeApiban({ addresses: addresses(600) });
      });

      it('pages from cursor 100 to caught up', async () => {
        const client = clientFor(fake, { version });
        const seen: string[] = [];
        let cursor = '100';
        for (;;) {
          const page = await client.fetchPage(cursor);
          if (page.kind === 'caught-up') break;
          expect(page.entries.length).to.be.at.most(250);
          seen.push(...page.entries);
          cursor = page.next;
        }
        await client.close();
        expect(seen).to.deep.equal(addresses(600));
        expect(cursor).to.equal(fake.newestId);
        expect(fake.requests.map((r) => r.status)).to.deep.equal([200, 200, 200, 400]);
        expect(client.requests).to.equal(4);
      });

      it('sends the key the way the generation expects', async () => {
        const client = clientFor(fake, { version, set: 'all' });
        await client.fetchPage('100');
        await client.close();
        const [request] = fake.requests;
        if (version === 'v2') {
          expect(request).to.include({ method: 'POST', path: '/api/get', authorization: `Bearer ${fake.key}`, set: 'all', cursor: '100' });
        } else {
          expect(request).to.include({ method: 'GET', path: `/api/${fake.key}/banned/100`, authorization: fake.key });
        }
      });

      it('answers check: listed and not listed', async () => {
        const client = clientFor(fake, { version });
        const listed = await client.check('198.51.100.7');
        const unlisted = await client.check('203.0.113.99');
        await client.close();
        expect(listed.listed).to.equal(true);
        expect(unlisted).to.deep.equal({ listed: false });
      });

      it('raises ApibanUnauthorizedError on a wrong key and never shows the key', async () => {
        const wrongKey = 'wrong-key-0123456789abcdef';
        const { log, text } = captureLog();
        const client = clientFor(fake, { version, key: wrongKey, log });
        const error = await failure(client.fetchPage('100'));
        await client.close();
        expect(error).to.be.instanceOf(ApibanUnauthorizedError);
        expect(error.message).to.equal('[apiban] 403 unauthorized: check APIBAN_KEY');
        expect(fake.requests).to.have.length(1);
        expect(text()).not.to.include(wrongKey);
      });

      it('keeps the key out of every error and log line, whatever goes wrong', async () => {
        const { log, text } = captureLog();
        const faults: FakeFault[] = ['5xx', '404', 'malformed', 'wrong-shape', 'truncated', 'huge', 'bad-id'];
        const messages: string[] = [];
        for (const fault of faults) {
          fake.fail(fault);
          const client = clientFor(fake, { version, log, retry: { attempts: 2, baseDelayMs: 1 } });
          const error = await failure(client.fetchPage('100'));
          messages.push(error.message, String((error as { cause?: Error }).cause?.message ?? ''));
          await client.close();
          fake.heal();
        }
        expect(messages.join('\n')).not.to.include(fake.key);
        expect(text()).not.to.include(fake.key);
        expect(messages.join('\n')).to.match(/v[12] get from cursor 100/);
      });
    });
  }

  describe('faults', () => {
    beforeEach(async () => {
      fake = await startFakeApiban({ addresses: addresses(300) });
    });

    it('reads the caught-up answer with a string ipaddress as caught up, and logs no error', async () => {
      fake.fail('caught-up-string', 1);
      const { log, lines } = captureLog();
      const outcomes: ApibanOutcome[] = [];
      const client = clientFor(fake, { log, onOutcome: (o) => outcomes.push(o) });
      expect(await client.fetchPage('100')).to.deep.equal({ kind: 'caught-up' });
      await client.close();
      expect(outcomes).to.deep.equal(['caught-up']);
      expect(lines.filter((l) => /"level":(40|50)/.test(l))).to.deep.equal([]);
    });

    it('retries 5xx with back-off and then succeeds', async () => {
      fake.fail('5xx', 2);
      const outcomes: ApibanOutcome[] = [];
      const client = clientFor(fake, { onOutcome: (o) => outcomes.push(o) });
      const page = await client.fetchPage('100');
      await client.close();
      expect(page.kind).to.equal('page');
      expect(outcomes).to.deep.equal(['error', 'error', 'page']);
      expect(fake.requests.map((r) => r.fault ?? r.status)).to.deep.equal(['5xx', '5xx', 200]);
    });

    it('gives up on 5xx after the bounded attempts', async () => {
      fake.fail('5xx');
      const client = clientFor(fake, { retry: { attempts: 3, baseDelayMs: 1 } });
      const error = await failure(client.fetchPage('100'));
      await client.close();
      expect(error).to.be.instanceOf(ApibanError);
      expect(error.message).to.equal('[apiban] v2 get from cursor 100: server error 503');
      expect(fake.requests).to.have.length(3);
    });

    it('does not retry a 404 and says what to check', async () => {
      fake.fail('404');
      const client = clientFor(fake);
      const error = await failure(client.fetchPage('100'));
      await client.close();
      expect((error as ApibanError).status).to.equal(404);
      expect(error.message).to.include('check apiban.baseUrl');
      expect(fake.requests).to.have.length(1);
    });

    for (const fault of ['malformed', 'wrong-shape', 'bad-id'] as const) {
      it(`raises ApibanMalformedError for a ${fault} body`, async () => {
        fake.fail(fault);
        const client = clientFor(fake);
        const error = await failure(client.fetchPage('100'));
        await client.close();
        expect(error).to.be.instanceOf(ApibanMalformedError);
        expect(error.message).to.include('malformed answer');
      });
    }

    for (const fault of ['huge', 'huge-chunked'] as const) {
      it(`refuses a 10 MB body (${fault}) without buffering it`, async () => {
        fake.fail(fault);
        const client = clientFor(fake, { maxBodyBytes: 2 * 1024 * 1024 });
        const error = await failure(client.fetchPage('100'));
        await client.close();
        expect(error).to.be.instanceOf(ApibanMalformedError);
        expect(error.message).to.match(/exceeds the 2097152-byte cap/);
        expect(fake.requests).to.have.length(1);
      });
    }

    it('retries a truncated body and reports it when it keeps happening', async () => {
      fake.fail('truncated', 1);
      const client = clientFor(fake);
      expect((await client.fetchPage('100')).kind).to.equal('page');
      fake.fail('truncated');
      const error = await failure(client.fetchPage('100'));
      await client.close();
      expect(error.message).to.match(/cut off after \d+ bytes/);
    });

    it('times out a stalled answer and retries', async () => {
      fake.fail('stall', 1);
      const client = clientFor(fake, { timeoutMs: 500 });
      expect((await client.fetchPage('100')).kind).to.equal('page');
      await client.close();
      // On a busy machine an answer that is not stalled may also overrun the timeout and be retried.
      expect(fake.requests[0].fault).to.equal('stall');
      expect(fake.requests.length).to.be.at.least(2);
    });

    it('waits out the window on 429 and resumes', async () => {
      fake.fail('rate-limit', 1);
      const outcomes: ApibanOutcome[] = [];
      const client = clientFor(fake, { budget: { requests: 100, windowMs: 150 }, onOutcome: (o) => outcomes.push(o) });
      const page = await client.fetchPage('100');
      await client.close();
      expect(page.kind).to.equal('page');
      expect(outcomes).to.deep.equal(['rate-limited', 'page']);
      expect(fake.requests[1].time - fake.requests[0].time).to.be.at.least(140);
    });

    it('gives up with ApibanRateLimitError when 429 never ends', async () => {
      fake.fail('rate-limit');
      const client = clientFor(fake, { budget: { requests: 100, windowMs: 10 }, retry: { rateLimitWaits: 2 } });
      const error = await failure(client.fetchPage('100'));
      await client.close();
      expect(error).to.be.instanceOf(ApibanRateLimitError);
      expect(fake.requests).to.have.length(3);
    });

    it('can be aborted while waiting', async () => {
      fake.fail('rate-limit');
      const controller = new AbortController();
      const client = clientFor(fake, { budget: { requests: 100, windowMs: 60_000 } });
      setTimeout(() => controller.abort(), 50);
      const error = await failure(client.fetchPage('100', controller.signal));
      await client.close();
      expect(error.name).to.equal('AbortError');
    });
  });

  describe('pacing', () => {
    it('keeps a multi-page download inside the server window without a single 429', async () => {
      const limit = { requests: 3, windowMs: 300 };
      fake = await startFakeApiban({ addresses: addresses(250 * 6), limit });
      const client = clientFor(fake, { budget: { requests: limit.requests, windowMs: limit.windowMs } });
      let cursor = '100';
      for (;;) {
        const page = await client.fetchPage(cursor);
        if (page.kind === 'caught-up') break;
        cursor = page.next;
      }
      await client.close();
      expect(fake.requests.map((r) => r.status)).not.to.include(429);
      expect(fake.requests).to.have.length(7);
      const times = fake.requests.map((r) => r.time);
      for (const start of times) expect(times.filter((t) => t >= start && t < start + limit.windowMs).length).to.be.at.most(limit.requests);
    });

    it('honours a Retry-After header when one is sent', async () => {
      fake = await startFakeApiban({ addresses: addresses(10), retryAfterSeconds: 0 });
      fake.fail('rate-limit', 1);
      const client = clientFor(fake, { budget: { requests: 100, windowMs: 60_000 } });
      expect((await client.fetchPage('100')).kind).to.equal('page');
      await client.close();
    });
  });
});

describe('apiban/client parseRetryAfter', () => {
  it('reads seconds and HTTP dates, ignores garbage', () => {
    expect(parseRetryAfter('120', 0)).to.equal(120_000);
    expect(parseRetryAfter(new Date(10_000).toUTCString(), 4_000)).to.equal(6_000);
    expect(parseRetryAfter('soon', 0)).to.equal(undefined);
    expect(parseRetryAfter(undefined, 0)).to.equal(undefined);
  });
});
