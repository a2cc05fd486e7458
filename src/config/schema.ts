/**
 * The one configuration schema. Every field has a default, so an empty file (or none at all,
 * plus APIBAN_KEY / APIBAN_BASE_URL / APIBAN_STATE_DIR) is a working configuration.
 * An output's `options` and a device's `settings` are checked by the schema of the writer or
 * driver the entry names, so the schema is built for the registries it is given: loadConfig gives
 * it the writers and drivers the file names, and src/config never imports targets/ or src/push.
 */
import * as z from 'zod';
import type { AnyTargetWriter } from '../writers/contract.js';
import { cidrList } from './cidr.js';
import { resolveRegistryEntry, type RegistryView } from './registry-entry.js';
import { duration } from '../duration.js';
import { serveSchema } from './serve-schema.js';
import { ingestSchema } from './ingest-schema.js';
import { buildPushSchema, type DriverSettingsSchema } from './push-schema.js';
import { crossCheck } from './cross-checks.js';

export { cidr } from './cidr.js';

const apibanSchema = z.strictObject({
  key: z
    .string()
    .min(1, 'is empty (APIBAN_KEY= or key: ""): give the key, or leave it out to run on `sources` alone')
    .optional()
    .describe('APIBAN key; APIBAN_KEY overrides. Without one, serve, sync and push publish the `sources` alone'),
  keyFile: z
    .string()
    .min(1)
    .optional()
    .describe('file holding the APIBAN key, e.g. a systemd credential under $CREDENTIALS_DIRECTORY (docs/deploy.md); APIBAN_KEY overrides'),
  baseUrl: z
    .url({ protocol: /^https?$/ })
    .default('https://apiban.org')
    .describe('origin; the client appends /api/...'),
  version: z.enum(['v2', 'v1']).default('v2').describe('APIBAN API version'),
  set: z.enum(['sip', 'http', 'all']).default('sip').describe('which APIBAN list: SIP attackers, HTTP attackers or both'),
  caFile: z.string().optional().describe('extra CA certificate (PEM), trusted besides the system CAs; verification is never off'),
  timeout: duration('30s', { timer: true }).describe('one APIBAN request, connect to last byte'),
  budget: z
    .strictObject({
      requests: z.number().int().positive().default(11).describe('requests allowed per window (every command counts)'),
      window: duration('120s', { timer: true }).describe('the budget window'),
    })
    .prefault({})
    .describe('APIBAN allows 11 requests per 2 minutes per key'),
});

const sourceSchema = z
  .strictObject({
    name: z
      .string()
      .regex(/^[A-Za-z0-9_.-]{1,64}$/, 'use letters, digits, ".", "_" or "-"')
      .describe('names the source in logs and `check`'),
    file: z.string().optional().describe('a local file, one address or CIDR per line (give one of file, url or sample)'),
    url: z
      .url({ protocol: /^https?$/ })
      .optional()
      .describe('an HTTP(S) list; the last good copy is used while it fails'),
    sample: z.literal(true).optional().describe('the bundled sample list of documentation addresses (a demo without a key)'),
  })
  .refine((s) => [s.file, s.url, s.sample].filter((v) => v !== undefined).length === 1, {
    error: 'give exactly one of file, url or sample: true',
  });

const policySchema = z.strictObject({
  allowlist: cidrList.default([]).describe('never blocked, whatever the sources say'),
  allowlistFiles: z.array(z.string()).default([]).describe('files of CIDRs never blocked, read at every sync'),
  protectSpecialRanges: z.boolean().default(true).describe('never ban private, loopback, link-local, multicast, reserved space'),
  minPrefixLength: z
    .strictObject({
      v4: z.number().int().min(0).max(32).default(16).describe('an IPv4 prefix shorter than this is never banned'),
      v6: z.number().int().min(0).max(128).default(32).describe('an IPv6 prefix shorter than this is never banned'),
    })
    .prefault({})
    .describe('the widest prefixes a ban may cover'),
  aggregate: z.boolean().default(false).describe('merge adjacent addresses into CIDRs in every output'),
});

const guardSchema = z.strictObject({
  allowEmpty: z.boolean().default(false).describe('publish an empty list (otherwise refused)'),
  maxShrink: z.number().min(0).max(1).default(0.5).describe('refuse a new set that lost more than this share of entries'),
});

export interface ConfigRegistries {
  targets: RegistryView<AnyTargetWriter>;
  drivers: RegistryView<DriverSettingsSchema>;
}

const outputSchema = (targets: RegistryView<AnyTargetWriter>) =>
  z
    .strictObject({
      name: z
        .string()
        .regex(/^[a-z0-9][a-z0-9_-]{0,62}$/, 'lower-case letters, digits, "_" or "-"')
        .describe('names the output (URL path, outputAccess, export --output)'),
      target: z.string().describe('the writer (`apiban-exporter targets` lists them)'),
      options: z.record(z.string(), z.unknown()).default({}).describe("the writer's options (README, Targets)"),
      path: z
        .string()
        .regex(/^\/[A-Za-z0-9._/-]*$/, 'an absolute URL path of letters, digits, ".", "_", "-" and "/"')
        .optional()
        .describe('URL path served (default /<name><extension>)'),
      families: z.enum(['v4', 'v6', 'both']).optional().describe("address families written (default: the target's)"),
      aggregate: z.boolean().optional().describe('overrides policy.aggregate for this output'),
    })
    .transform((output, ctx) => {
      const resolved = resolveRegistryEntry(
        ctx,
        targets,
        { field: 'target', kind: 'target', name: output.target },
        (writer) => writer.options,
        { field: 'options', value: output.options },
      );
      if (resolved === undefined) return z.NEVER;
      const { entry: writer, value: options } = resolved;
      // A stable path ends in the writer's extension: the SRX only polls URLs ending in .txt, and
      // the extension tells every other consumer (and the operator) what the file holds.
      if (output.path !== undefined && !output.path.endsWith(writer.http.extension)) {
        ctx.addIssue({ code: 'custom', path: ['path'], message: `must end in ${writer.http.extension} (the ${writer.name} extension)` });
        return z.NEVER;
      }
      return { ...output, options, path: output.path ?? `/${output.name}${writer.http.extension}` };
    });

export const buildConfigSchema = (registries: ConfigRegistries) =>
  z
    .strictObject({
      apiban: apibanSchema.prefault({}).describe('where and how the APIBAN list is fetched'),
      state: z
        .strictObject({ dir: z.string().optional().describe('default: $XDG_STATE_HOME/apiban-exporter, else ./state') })
        .prefault({})
        .describe('where the synced set, cursor and history are kept'),
      sync: z
        .strictObject({
          interval: duration('5m', { timer: true }).describe('serve / push --watch: time between incremental syncs'),
          expiry: duration('7d').describe('an address expires this long after APIBAN last listed it'),
          fullResync: duration('7d').describe('a full download replaces the set at least this often'),
          history: duration('30d').describe(
            'how long the sync history (history.jsonl in the state directory) and the ended edge bans (edge-bans.jsonl) are kept',
          ),
        })
        .prefault({})
        .describe('how often the set is refreshed and how long entries live'),
      sources: z.array(sourceSchema).default([]).describe('local lists merged into the bans'),
      policy: policySchema.prefault({}).describe('what may be banned'),
      guards: guardSchema.prefault({}).describe('refusals before publishing a suspicious set'),
      outputs: z
        .array(outputSchema(registries.targets))
        .default([])
        .describe('lists to serve and export (default: plain, pfsense, opnsense)'),
      serve: serveSchema.prefault({}).describe('the HTTP(S) daemon firewalls poll'),
      push: buildPushSchema(registries.drivers).prefault({}).describe('devices the set is pushed to'),
      ingest: ingestSchema.prefault({}).describe('bans from the SIP edge over an iptables-api-compatible endpoint (docs/edge.md)'),
    })
    .superRefine((config, ctx) => crossCheck(config, ctx, registries.targets));

export type Config = z.infer<ReturnType<typeof buildConfigSchema>>;
export type OutputConfig = Config['outputs'][number];
