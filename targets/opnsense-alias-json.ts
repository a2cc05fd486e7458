/**
 * opnsense-alias-json: the body for `POST /api/firewall/alias/import` that creates or updates an
 * OPNsense "URL Table (IPs)" alias pointing at this exporter's `opnsense` target.
 *
 * importAction() (opnsense/core .../controllers/OPNsense/Firewall/Api/AliasController.php) takes
 * `{"data":{"aliases":{"alias":{"<key>":{...}}}}}`, upserts each entry by `name`, validates every
 * alias and saves only when all pass; the key only labels validation messages, so it is the name.
 * Fields from Alias.xml (opnsense/core models/OPNsense/Firewall/Alias.xml): `updatefreq` is fractional days (the GUI
 * splits it into days and hours; update_tables.py checks every minute), `authtype` Basic sends
 * username/password, Bearer sends `password` as the token. Auth fields are always written, empty
 * when unused, so an upsert clears old credentials. The body then holds the feed secret: treat the
 * file like a password. Name rules from AliasNameField.php: start with a letter or one "_", then
 * letters, digits or "_", under 32 characters, no pf keyword, protocol or service name.
 * Send: curl -u KEY:SECRET -H 'Content-Type: application/json' -d @body.json
 *       https://fw/api/firewall/alias/import, then POST /api/firewall/alias/reconfigure.
 *
 *       "APIBAN_SIP": {
 *         "type": "urltable",
 *         "updatefreq": "0.0416667",
 */
import * as z from 'zod';
import type { BanSet } from '../src/banset/banset.js';
import { duration } from '../src/duration.js';
import { descriptionOption, feedUrlOption } from '../src/writers/alias-fields.js';
import { defineTarget } from '../src/writers/contract.js';

const DAY_MS = 86_400_000;

/** pf keywords and protocol/service names AliasNameField refuses that an operator might pick. */
const RESERVED_NAMES = [
  'all',
  'any',
  'block',
  'drop',
  'from',
  'in',
  'log',
  'on',
  'out',
  'pass',
  'port',
  'proto',
  'queue',
  'return',
  'set',
  'table',
  'tag',
  'to',
  'user',
  'ip',
  'icmp',
  'tcp',
  'udp',
  'gre',
  'esp',
  'ah',
  'ipv6',
  'sip',
  'http',
  'https',
  'ssh',
];

const aliasName = z
  .string()
  .regex(/^[A-Za-z_][A-Za-z0-9_]{0,30}$/, 'alias name must start with a letter or "_" and hold up to 31 letters, digits or "_"')
  .refine((name) => name !== '_' && !name.startsWith('__'), { message: 'alias name must not be "_" or start with "__"' })
  .refine((name) => !RESERVED_NAMES.includes(name.toLowerCase()), {
    message: 'alias name must not be a pf keyword, protocol or service name',
  });

const credential = z.string().regex(/^[\x21-\x7e]{1,256}$/, 'must be 1-256 printable characters without spaces');

const options = z
  .strictObject({
    name: aliasName.default('APIBAN_SIP').describe('alias name used in firewall rules'),
    url: feedUrlOption.describe("URL OPNsense downloads the list from (this exporter's opnsense target); required"),
    updatefreq: duration('1h')
      .pipe(z.number().min(60_000, 'updatefreq must be at least 1m (OPNsense checks once a minute)'))
      .describe('refresh interval as a duration (90m, 1h, 1d) or seconds; written as fractional days'),
    description: descriptionOption('APIBAN SIP attackers (managed by apiban-exporter)').describe('alias description'),
    authtype: z.enum(['none', 'Basic', 'Bearer']).default('none').describe('how OPNsense authenticates to the feed'),
    username: credential.nullable().default(null).describe('Basic auth user name'),
    // biome-ignore lint/suspicious/noTemplateCurlyInString: ${ENV} is the config's own substitution syntax, shown to the user
    password: credential.nullable().default(null).describe('Basic auth password or Bearer token (use ${ENV} in the config)'),
  })
  .superRefine((o, ctx) => {
    const needsUser = o.authtype === 'Basic';
    const needsPassword = o.authtype !== 'none';
    if (needsUser !== (o.username !== null))
      ctx.addIssue({ code: 'custom', path: ['username'], message: 'username is required with authtype Basic and not allowed otherwise' });
    if (needsPassword !== (o.password !== null))
      ctx.addIssue({
        code: 'custom',
        path: ['password'],
        message: 'password is required with authtype Basic or Bearer and not allowed with none',
      });
  });
type AliasJsonOptions = z.infer<typeof options>;

/** Fractional days with OPNsense's GUI precision (1h -> 0.0416667). */
export function toFractionalDays(ms: number): string {
  return String(Number((ms / DAY_MS).toFixed(7)));
}

function render(_bans: BanSet, o: AliasJsonOptions): string {
  const alias = {
    enabled: '1',
    name: o.name,
    type: 'urltable',
    content: o.url,
    updatefreq: toFractionalDays(o.updatefreq),
    description: o.description,
    authtype: o.authtype === 'none' ? '' : o.authtype,
    username: o.username ?? '',
    password: o.password ?? '',
  };
  return `${JSON.stringify({ data: { aliases: { alias: { [o.name]: alias } } } }, null, 2)}\n`;
}

export default defineTarget({
  name: 'opnsense-alias-json',
  summary: 'OPNsense URL Table alias definition for POST /api/firewall/alias/import',
  options,
  families: 'both',
  aggregateByDefault: false,
  http: { contentType: 'application/json; charset=utf-8', extension: '.json' },
  render,
});
