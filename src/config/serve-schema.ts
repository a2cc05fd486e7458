/**
 * The `serve:` section (owned by the serve command; see src/serve and docs/serve.md).
 * Every field has a default: `serve` with no configuration listens on 127.0.0.1:8080, serves
 * /plain.txt, /pfsense.txt and /opnsense.txt without authentication and keeps the mirror off.
 */
import * as z from 'zod';
import { cidrList } from './cidr.js';
import { duration, optionalDuration } from '../duration.js';
import { parseListenAddress } from './listen-address.js';

/** A token given inline (usually `${VAR}`) or read from a file (trailing newline dropped). */
const tokenSecret = z
  .strictObject({
    token: z
      .string()
      .min(16, 'a token needs at least 16 characters (e.g. openssl rand -hex 16)')
      .optional()
      // biome-ignore lint/suspicious/noTemplateCurlyInString: ${VAR} is the config's own substitution syntax, shown to the user
      .describe('the token, best as ${VAR}'),
    tokenFile: z.string().min(1).optional().describe('a file holding the token (at least 16 characters; one trailing newline is dropped)'),
  })
  .refine((s) => (s.token === undefined) !== (s.tokenFile === undefined), { error: 'give exactly one of token or tokenFile' });

export const accessSchema = z
  .strictObject({
    allow: cidrList.optional().describe('client addresses allowed (CIDRs); others get 403'),
    basic: z
      .strictObject({
        username: z.string().min(1).describe('the user name clients send'),
        // biome-ignore lint/suspicious/noTemplateCurlyInString: ${VAR} is the config's own substitution syntax, shown to the user
        password: z.string().min(1).optional().describe('the password, best as ${VAR} (give password or passwordFile)'),
        passwordFile: z.string().min(1).optional().describe('a file holding the password (not empty; one trailing newline is dropped)'),
      })
      .refine((b) => (b.password === undefined) !== (b.passwordFile === undefined), {
        error: 'give exactly one of password or passwordFile',
      })
      .optional()
      .describe('HTTP Basic authentication'),
    bearer: tokenSecret.optional().describe('Authorization: Bearer <token> (OPNsense authtype Bearer)'),
    pathToken: tokenSecret.optional().describe('served under /t/<token>/... (pfSense has no auth field)'),
  })
  .describe('allow narrows by address; basic, bearer and pathToken are alternatives (any one suffices); {} = open');

const tokenList = z.array(z.string().min(8, 'a mirror token needs at least 8 characters'));

export const serveSchema = z.strictObject({
  listen: z
    .string()
    .default('127.0.0.1:8080')
    .superRefine((text, ctx) => {
      const parsed = parseListenAddress(text);
      if (typeof parsed === 'string') ctx.addIssue({ code: 'custom', message: parsed });
    })
    .describe('HOST:PORT, [v6]:PORT, or :PORT for every address; --listen overrides'),
  tls: z
    .strictObject({
      certFile: z.string().min(1).describe('PEM certificate chain'),
      keyFile: z.string().min(1).describe('PEM private key (keep it mode 0600)'),
    })
    .optional()
    .describe('serve HTTPS with these PEM files; plain HTTP without'),
  maxAge: duration('2h').describe('/healthz answers 503 when the served set is older than this'),
  retryAfter: duration('30s', { timer: true }).describe('Retry-After sent with 503 before the first successful sync'),
  access: accessSchema.prefault({}).describe('default access rule of every output'),
  outputAccess: z.record(z.string(), accessSchema).default({}).describe('per output name; replaces the default rule'),
  adminAccess: accessSchema.prefault({}).describe('access rule of /healthz and /metrics'),
  mirror: z
    .strictObject({
      enabled: z.boolean().default(false).describe('answer the APIBAN API under /api'),
      tokens: tokenList.default([]).describe('keys clients use as APIBAN key (v1 path, v2 Bearer)'),
      tokensFile: z.string().optional().describe('one token per line'),
      includeEdge: z
        .boolean()
        .default(false)
        .describe(
          "also list bans whose only source is the edge (ingest): off by default, as an operator's own edge finds are theirs to share",
        ),
    })
    .prefault({})
    .describe('APIBAN-compatible API answered from the local set'),
  timeouts: z
    .strictObject({
      headers: duration('10s', { timer: true }).describe('a client must send its request headers within this'),
      request: duration('30s', { timer: true }).describe('a whole request must arrive within this'),
      keepAlive: duration('5s', { timer: true }).describe('an idle keep-alive socket is closed after this'),
      shutdown: duration('10s', { timer: true }).describe('on SIGTERM, in-flight responses get this long to finish'),
    })
    .prefault({})
    .describe('deadlines of client connections'),
  status: z
    .strictObject({
      staleFetchAfter: optionalDuration({ timer: true }).describe(
        'the status page turns amber for an output no client fetched for this long (default: 3 times the sync interval)',
      ),
    })
    .prefault({})
    .describe('the status page (GET /) and /status.json'),
  maxRequestsPerSocket: z.number().int().nonnegative().default(1000).describe('0 = unlimited'),
  // Removed in 0.2 with the lane that read sockets through Node's internal HTTP parser: a file that
  // still sets it is told so by name rather than refused as an unknown key.
  fastLane: z
    .never({ error: 'removed: serve answers every request through node:http now; delete this line' })
    .optional()
    .describe('removed in 0.2 (a file that sets it is refused with this note)'),
});

export type ServeConfig = z.infer<typeof serveSchema>;
export type AccessConfig = z.infer<typeof accessSchema>;
