/**
 * HTTPS to APIBAN (or a private mirror): certificates are always verified; `apiban.caFile` adds a
 * trusted CA without switching verification off or dropping the system CAs.
 */
import { expect } from 'chai';
import { createServer, type Server } from 'node:https';
import type { AddressInfo } from 'node:net';
import { rootCertificates } from 'node:tls';
import { createApibanClient } from '../../src/apiban/client.js';
import { selfSignedCertificate } from '../helpers/tls.js';

describe('apiban/client over HTTPS', () => {
  const certificate = selfSignedCertificate();
  let server: Server;
  let baseUrl: string;

  before(async () => {
    server = createServer({ key: certificate.key, cert: certificate.cert }, (_request, response) => {
      response.writeHead(200, { 'content-type': 'application/json' }).end('{"ipaddress":["192.0.2.1"],"ID":"1698000001"}');
    });
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    baseUrl = `https://127.0.0.1:${(server.address() as AddressInfo).port}`;
  });
  after(() => new Promise<void>((resolve) => server.close(() => resolve())));

  const client = (caFile?: string) =>
    createApibanClient({
      key: 'tls-key-0001',
      baseUrl,
      version: 'v2',
      set: 'sip',
      timeoutMs: 2000,
      caFile,
      budget: { requests: 100, windowMs: 1000 },
      retry: { attempts: 1 },
    });

  it('refuses a certificate it cannot verify', async () => {
    const untrusting = client();
    try {
      await untrusting.fetchPage('100');
      expect.fail('an unverifiable certificate was accepted');
    } catch (error) {
      expect((error as Error).message).to.match(/certificate|self.signed/i);
      expect((error as Error).message).not.to.include('tls-key-0001');
    } finally {
      await untrusting.close();
    }
  });

  it('trusts the configured CA file in addition to the system CAs', async () => {
    expect(rootCertificates.length).to.be.greaterThan(10);
    const trusting = client(certificate.certFile);
    try {
      expect(await trusting.fetchPage('100')).to.deep.equal({ kind: 'page', entries: ['192.0.2.1'], next: '1698000001' });
    } finally {
      await trusting.close();
    }
  });
});
