import { expect } from 'chai';
import { acceptsGzip, isNotModified, matchesIfNoneMatch } from '../../src/serve/http/conditional.js';
import { buildResource, ContentHistory } from '../../src/serve/http/content.js';

describe('serve: conditional requests and content coding', () => {
  it('reads Accept-Encoding like RFC 9110 (q=0 refuses, * admits)', () => {
    expect(acceptsGzip(undefined)).to.equal(false);
    expect(acceptsGzip('')).to.equal(false);
    expect(acceptsGzip('gzip')).to.equal(true);
    expect(acceptsGzip('deflate, GZIP;q=0.5')).to.equal(true);
    expect(acceptsGzip('gzip;q=0')).to.equal(false);
    expect(acceptsGzip('identity')).to.equal(false);
    expect(acceptsGzip('*')).to.equal(true);
    expect(acceptsGzip('*;q=0, gzip')).to.equal(true);
  });

  it('reads each Accept-Encoding value the same way every time, also past the values it remembers', () => {
    const values = Array.from({ length: 200 }, (_, i) => (i % 2 === 0 ? `br, gzip;q=0.${i % 10}, x-${i}` : `deflate, x-${i}`));
    const expected = values.map((_, i) => i % 2 === 0 && i % 10 !== 0);
    for (const pass of ['first', 'again']) {
      for (const [i, v] of values.entries()) expect(acceptsGzip(v), `${pass}: ${v}`).to.equal(expected[i]);
    }
    expect(acceptsGzip('gzip;q=0')).to.equal(false);
    expect(acceptsGzip('gzip;q=0')).to.equal(false);
  });

  it('matches If-None-Match weakly, across the gzip and identity representations', async () => {
    const resource = await buildResource('192.0.2.1\n', 'text/plain', new ContentHistory(), Date.now());
    expect(matchesIfNoneMatch(resource.etag, resource)).to.equal(true);
    expect(matchesIfNoneMatch(resource.gzipEtag, resource)).to.equal(true);
    expect(matchesIfNoneMatch(`"x", W/${resource.etag}`, resource)).to.equal(true);
    expect(matchesIfNoneMatch('*', resource)).to.equal(true);
    expect(matchesIfNoneMatch('"other"', resource)).to.equal(false);
    expect(matchesIfNoneMatch(`${resource.etag.slice(0, -2)}"`, resource), 'a prefix of the tag').to.equal(false);
    expect(matchesIfNoneMatch(` ${resource.etag} `, resource)).to.equal(true);
  });

  it('lets If-None-Match win over If-Modified-Since', async () => {
    const resource = await buildResource('a\n', 'text/plain', new ContentHistory(), Date.now());
    const later = new Date(Date.now() + 60_000).toUTCString();
    expect(isNotModified({ 'if-modified-since': later }, resource)).to.equal(true);
    expect(isNotModified({ 'if-none-match': '"other"', 'if-modified-since': later }, resource)).to.equal(false);
    expect(isNotModified({ 'if-modified-since': 'not a date' }, resource)).to.equal(false);
  });

  it('keeps Last-Modified at the time a content first appeared', async () => {
    const history = new ContentHistory();
    const first = await buildResource('same\n', 'text/plain', history, Date.UTC(2026, 0, 1, 10, 0, 0, 700));
    const again = await buildResource('same\n', 'text/plain', history, Date.UTC(2026, 0, 2));
    const other = await buildResource('other\n', 'text/plain', history, Date.UTC(2026, 0, 2));
    expect(first.lastModified).to.equal('Thu, 01 Jan 2026 10:00:00 GMT');
    expect(again.lastModified).to.equal(first.lastModified);
    expect(other.lastModified).to.equal('Fri, 02 Jan 2026 00:00:00 GMT');
  });
});
