import { expect } from 'chai';
import { classifyResponse } from '../../src/apiban/response.js';

describe('apiban/response classifyResponse', () => {
  it('reads a page of bans with its cursor', () => {
    expect(classifyResponse('get', 200, '{"ipaddress":["192.0.2.1","198.51.100.7"],"ID":"1698425647"}'))
      .to.deep.equal({ kind: 'page', entries: ['192.0.2.1', '198.51.100.7'], next: '1698425647' });
  });

  it('treats 400 with ID none as caught up, whether ipaddress is an array or a string', () => {
    expect(classifyResponse('get', 400, '{"ipaddress":["no new bans"],"ID":"none"}')).to.deep.equal({ kind: 'caught-up' });
    expect(classifyResponse('get', 400, '{"ipaddress":"no new bans","ID":"none"}')).to.deep.equal({ kind: 'caught-up' });
  });

  it('reads check answers: listed and not listed', () => {
    expect(classifyResponse('check', 200, '{"ipaddress":["192.0.2.1"],"ID":"987654321"}')).to.deep.equal({ kind: 'listed', id: '987654321' });
    expect(classifyResponse('check', 400, '{"ipaddress":["not blocked"],"ID":"none"}')).to.deep.equal({ kind: 'not-listed' });
  });

  it('classifies 403, 429, 404 and 5xx by status whatever the body', () => {
    expect(classifyResponse('get', 403, '{"ipaddress":"none","ID":"unauthorized"}')).to.deep.equal({ kind: 'unauthorized' });
    expect(classifyResponse('get', 429, '{"ipaddress":"rate limit exceeded","ID":"unauthorized"}')).to.deep.equal({ kind: 'rate-limited' });
    expect(classifyResponse('get', 404, '')).to.deep.equal({ kind: 'not-found' });
    expect(classifyResponse('get', 502, '<html>')).to.deep.equal({ kind: 'server-error', status: 502 });
  });

  it('calls bodies that are not JSON objects of the right shape malformed', () => {
    for (const body of ['{"ipaddress":["192.0.2.1",', '[]', 'null', '{"addresses":[]}', '{"ipaddress":["192.0.2.1"]}', '{"ipaddress":"192.0.2.1","ID":"5"}']) {
      expect(classifyResponse('get', 200, body).kind, body).to.equal('malformed');
    }
  });

  it('refuses a cursor that could steer the next request', () => {
    for (const id of ['../../etc', 'none', '1 2', '', 'a'.repeat(65), '1\n2']) {
      expect(classifyResponse('get', 200, JSON.stringify({ ipaddress: [], ID: id })).kind, id).to.equal('malformed');
    }
  });

  it('keeps non-string items as text so the strict parser can count them', () => {
    const result = classifyResponse('get', 200, '{"ipaddress":["192.0.2.1",7,null],"ID":"10"}');
    expect(result).to.deep.equal({ kind: 'page', entries: ['192.0.2.1', '7', 'null'], next: '10' });
  });

  it('reports any other 400 as unexpected, not as caught up', () => {
    expect(classifyResponse('get', 400, '{"ipaddress":"bad","ID":"error"}').kind).to.equal('unexpected');
  });
});
