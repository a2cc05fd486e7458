import { expect } from 'chai';
import { readdirSync, readFileSync } from 'node:fs';
import { classifyResponse, type ApibanOperation } from '../../src/apiban/response.js';
import { fixture } from '../helpers/paths.js';

describe('apiban/response classifyResponse', () => {
  for (const file of readdirSync(fixture('apiban')).filter((f) => f.endsWith('.json'))) {
    it(`reads the recorded answer fixtures/apiban/${file}`, () => {
      const recorded = JSON.parse(readFileSync(fixture('apiban', file), 'utf8')) as {
        operation: ApibanOperation;
        status: number;
        body: string;
        expected: unknown;
      };
      expect(classifyResponse(recorded.operation, recorded.status, recorded.body)).to.deep.equal(recorded.expected);
    });
  }

  it('calls bodies that are not JSON objects of the right shape malformed', () => {
    for (const body of [
      '{"ipaddress":["192.0.2.1",',
      '[]',
      'null',
      '{"addresses":[]}',
      '{"ipaddress":["192.0.2.1"]}',
      '{"ipaddress":"192.0.2.1","ID":"5"}',
    ]) {
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
