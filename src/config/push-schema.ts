/**
 * The `push:` section (owned by the push command; see src/push and docs/push.md): the devices,
 * how to reach and trust them, and when `serve` / `push --watch` push. Secrets are named here
 * (an environment variable or a file), read only when a push starts, and never printed.
 */
import { Cron } from 'croner';
import * as z from 'zod';
import type { ZodType } from 'zod';
import { resolveRegistryEntry, type RegistryView } from './registry-entry.js';
import { duration } from '../duration.js';

const NAME = /^[A-Za-z0-9][A-Za-z0-9_.-]{0,63}$/;
const name = (what: string) => z.string().regex(NAME, `${what}: use letters, digits, ".", "_" or "-" (at most 64)`);
const envName = z.string().regex(/^[A-Za-z_][A-Za-z0-9_]*$/, 'an environment variable name');
const fingerprint = z.string().regex(/^(SHA256:)?[A-Za-z0-9+/]{43}=?$/, 'a SHA256 fingerprint as `ssh-keygen -lf` prints it (SHA256:...)');

const credentialsSchema = z.strictObject({
  username: z.string().min(1).optional().describe('the login name'),
  // biome-ignore lint/suspicious/noTemplateCurlyInString: ${VAR} is the config's own substitution syntax, shown to the user
  password: z.string().min(1).optional().describe('prefer passwordEnv or passwordFile; ${VAR} also works'),
  passwordEnv: envName.optional().describe('environment variable holding the password'),
  passwordFile: z.string().optional().describe('file holding the password (not empty; keep it mode 0600)'),
  privateKeyFile: z.string().optional().describe('SSH private key file (keep it mode 0600)'),
  passphraseEnv: envName.optional().describe("environment variable holding the private key's passphrase"),
  agent: z
    .union([z.literal(true), z.string().min(1)])
    .optional()
    .describe('true: $SSH_AUTH_SOCK; or a socket path'),
  enablePasswordEnv: envName.optional().describe('Cisco: enter enable mode with this password'),
  apiKeyEnv: envName.optional().describe('HTTP API drivers (opnsense-api): environment variable holding the API key'),
  apiSecretEnv: envName.optional().describe('HTTP API drivers (opnsense-api): environment variable holding the API secret'),
  caFile: z.string().optional().describe('HTTP API drivers: extra CA certificate (PEM)'),
});

const hostKeySchema = z.strictObject({
  fingerprint: fingerprint.optional().describe('the pinned host key (SHA256:..., as ssh-keygen -lf prints it)'),
  fingerprints: z.array(fingerprint).default([]).describe('more pinned host keys (during a key rollover)'),
  knownHosts: z.string().optional().describe('known_hosts file (default ~/.ssh/known_hosts when no fingerprint is pinned)'),
});

export const selectorSchema = z.strictObject({
  all: z.boolean().optional().describe('every device'),
  device: z.array(z.string()).optional().describe('devices by name'),
  group: z.array(z.string()).optional().describe('devices in these groups'),
  tag: z.array(z.string()).optional().describe('devices with these tags'),
});
export type DeviceSelector = z.infer<typeof selectorSchema>;

/** What validating a device needs of its driver (src/push/drivers/index.ts holds the drivers). */
export interface DriverSettingsSchema {
  readonly settings: ZodType<unknown>;
}

const deviceSchema = (drivers: RegistryView<DriverSettingsSchema>) =>
  z
    .strictObject({
      name: name('device name').describe('names the device (push --device)'),
      driver: z.string().describe('how to talk to it (docs/push-drivers.md)'),
      host: z.string().min(1).describe('host name or address'),
      port: z.number().int().min(1).max(65535).optional().describe("default: the driver's (22 for SSH, 443 for HTTPS)"),
      tags: z.array(name('tag')).default([]).describe('for push --tag and push.schedule.select'),
      groups: z.array(name('group')).default([]).describe('for push --group and push.schedule.select'),
      credentials: credentialsSchema.prefault({}).describe('how to log in; secrets are named (variable or file), read at push time'),
      hostKey: hostKeySchema.prefault({}).describe('SSH host key verification (never off)'),
      timeout: duration('60s', { timer: true }).describe('the whole job on this device: connect, read, change, close'),
      settings: z.record(z.string(), z.unknown()).default({}).describe("the driver's settings (for CLI drivers: the target's options)"),
      families: z.enum(['v4', 'v6', 'both']).optional().describe("address families pushed (default: the driver's)"),
    })
    .transform((device, ctx) => {
      const resolved = resolveRegistryEntry(
        ctx,
        drivers,
        { field: 'driver', kind: 'driver', name: device.driver },
        (driver) => driver.settings,
        { field: 'settings', value: device.settings },
      );
      if (resolved === undefined) return z.NEVER;
      const { fingerprint: one, fingerprints, knownHosts } = device.hostKey;
      return {
        ...device,
        settings: resolved.value,
        hostKey: { fingerprints: one === undefined ? fingerprints : [one, ...fingerprints], knownHosts },
      };
    });

const cron = z.string().refine(
  (text) => {
    try {
      new Cron(text, { paused: true }).stop();
      return true;
    } catch {
      return false;
    }
  },
  { error: (issue) => `${JSON.stringify(issue.input)} is not a cron expression` },
);

/** Built per configuration: a device's `settings` are checked by the schema of the driver it names. */
export const buildPushSchema = (drivers: RegistryView<DriverSettingsSchema>) =>
  z.strictObject({
    devices: z
      .array(deviceSchema(drivers))
      .default([])
      .superRefine((devices, ctx) => {
        const seen = new Set<string>();
        devices.forEach((d, i) => {
          if (seen.has(d.name))
            ctx.addIssue({ code: 'custom', path: [i, 'name'], message: `duplicate device name ${JSON.stringify(d.name)}` });
          seen.add(d.name);
        });
      })
      .describe('the devices'),
    concurrency: z.number().int().min(1).max(256).default(8).describe('devices pushed at the same time'),
    schedule: z
      .strictObject({
        afterSync: z.boolean().default(true).describe('serve / push --watch: push after each sync that changed the set'),
        cron: cron.optional().describe('also push on this cron expression (croner syntax)'),
        select: selectorSchema.default({ all: true }).describe('which devices the scheduled pushes reach'),
        verifyEvery: duration('15m', { timer: true }).describe(
          'serve / push --watch: push at least this often even when the set did not change, so drift on a device is repaired',
        ),
      })
      .prefault({})
      .describe('when serve and push --watch push'),
  });

export type PushConfig = z.infer<ReturnType<typeof buildPushSchema>>;
export type DeviceConfig = PushConfig['devices'][number];
