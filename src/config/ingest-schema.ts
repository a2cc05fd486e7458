/**
 * The `ingest:` section (src/ingest, docs/edge.md): an endpoint that speaks palner/iptables-api's
 * HTTP API so the SIP edge (Kamailio, fail2ban, ...) can add bans to the set `serve` publishes.
 * Off unless `listen` is set; every caller is a named client fenced by address and optional token.
 */
import * as z from 'zod';
import { cidrList } from './cidr.js';
import { duration } from '../duration.js';
import { parseListenAddress } from './listen-address.js';

const clientSchema = z.strictObject({
  name: z
    .string()
    .regex(/^[A-Za-z0-9_.-]{1,64}$/, 'use letters, digits, ".", "_" or "-"')
    .describe('names the client: its bans are published as source edge:<name>'),
  allow: cidrList
    .min(1, 'list the addresses this client calls from')
    .describe('CIDRs the client may call from; any other address gets 403'),
  tokenFile: z
    .string()
    .min(1)
    .optional()
    .describe('a file holding the token (at least 16 characters) the client sends as /t/<token>/... or Authorization: Bearer'),
});

export const ingestSchema = z
  .strictObject({
    listen: z
      .string()
      .superRefine((text, ctx) => {
        const parsed = parseListenAddress(text);
        if (typeof parsed === 'string') ctx.addIssue({ code: 'custom', message: parsed });
      })
      .optional()
      .describe("HOST:PORT of the iptables-api-compatible endpoint (iptables-api's is 8082); unset = off"),
    clients: z.array(clientSchema).default([]).describe('who may ban; checked in order, the first that admits a request owns it'),
    ttl: duration('1h').describe('how long an edge ban lives; a repeated block extends it'),
    maxTtl: duration('24h').describe('the longest ?ttl= a client may ask for'),
    maxBansPerClient: z.number().int().positive().default(10_000).describe('live bans one client may hold; more get 429'),
    requestsPerSecond: z.number().int().positive().default(50).describe('requests per second one client may send; more get 429'),
    pushWithin: duration('5s', { timer: true }).describe(
      "how soon an edge ban (or its removal) reaches the devices of the scheduled pushes (serve's push.schedule, push --watch)",
    ),
  })
  .superRefine((ingest, ctx) => {
    if (ingest.listen !== undefined && ingest.clients.length === 0)
      ctx.addIssue({ code: 'custom', path: ['clients'], message: 'ingest.listen is set but no client may call it (add clients)' });
    const seen = new Set<string>();
    ingest.clients.forEach((client, i) => {
      if (seen.has(client.name))
        ctx.addIssue({ code: 'custom', path: ['clients', i, 'name'], message: `duplicate client name ${client.name}` });
      seen.add(client.name);
    });
    if (ingest.ttl > ingest.maxTtl) ctx.addIssue({ code: 'custom', path: ['ttl'], message: 'must not be longer than ingest.maxTtl' });
  });

export type IngestConfig = z.infer<typeof ingestSchema>;
export type IngestClientConfig = IngestConfig['clients'][number];
