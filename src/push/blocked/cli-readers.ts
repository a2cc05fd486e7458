/**
 * Which show command holds the ban rule's hit counts on a CLI device, per device in
 * `settings.counters`, and how its output is read (the parsers in cisco.ts and junos.ts).
 * The object-groups and prefix-lists this tool manages are only lists; the rule that drops what
 * they hold is the operator's, so the operator names it:
 *
 *   cisco-asa:  counters: { acl: OUTSIDE-IN }              -> `show access-list OUTSIDE-IN`
 *               (ASA Series Command Reference, "show access-list": one ACL holds IPv4 and IPv6
 *               ACEs; the ACE that references the group carries the group's `hitcnt`)
 *   cisco-ios:  counters: { acl: APIBAN-IN, aclV6: APIBAN6-IN }
 *               -> `show ip access-lists APIBAN-IN` / `show ipv6 access-list APIBAN6-IN`
 *               (IOS Security Command Reference "show ip access-list", "N matches";
 *               IPv6 Command Reference "show ipv6 access-list", "(N matches) sequence S")
 *   junos:      counters: { v4: { filter: APIBAN-IN, counter: apiban-dropped }, v6: {...} }
 *               -> `show firewall filter APIBAN-IN counter apiban-dropped` (Junos OS
 *               Operational Mode Commands, "show firewall": bytes and packets per counter)
 *
 * Every name reaches a command line, so each is held to the vendor's safe identifier subset.
 * A device without `counters` reports nothing ("not reported"), never zero.
 */
import * as z from 'zod';
import type { ZodType } from 'zod';
import type { BlockedCounters, FamilyCounter } from '../../fleet/blocked.js';
import { parseAsaHitCounts, parseIosMatches } from './cisco.js';
import { parseJunosFilterCounter } from './junos.js';

/** One show command and how its output turns into one family's counter. */
export interface CounterRead {
  family: 'v4' | 'v6';
  command: string;
  parse(output: string): FamilyCounter | undefined;
}

export interface CliCounterReader<C> {
  readonly schema: ZodType<C>;
  reads(counters: C, settings: Record<string, unknown>): CounterRead[];
}

const ciscoAcl = z
  .string()
  .regex(
    /^[A-Za-z][A-Za-z0-9_.-]{0,63}$/,
    'an ACL name must start with a letter and use only letters, digits, "_", "-" or "." (at most 64)',
  );
const junosId = z
  .string()
  .regex(
    /^[A-Za-z0-9][A-Za-z0-9_.-]{0,63}$/,
    'a Junos filter or counter name must start with a letter or digit and use only letters, digits, "_", "-" or "." (at most 64)',
  );
const junosCounter = z.strictObject({ filter: junosId, counter: junosId });

const asa = z.strictObject({ acl: ciscoAcl }).describe('the ACL whose deny entries reference the managed groups');
const ios = z
  .strictObject({ acl: ciscoAcl.optional(), aclV6: ciscoAcl.optional() })
  .refine((c) => c.acl !== undefined || c.aclV6 !== undefined, { message: 'name acl (IPv4) or aclV6 (IPv6), or leave counters out' })
  .describe('the IPv4 / IPv6 ACLs whose deny entries reference the managed groups');
const junos = z
  .strictObject({ v4: junosCounter.optional(), v6: junosCounter.optional() })
  .refine((c) => c.v4 !== undefined || c.v6 !== undefined, { message: 'name v4 or v6 { filter, counter }, or leave counters out' })
  .describe('per family: the firewall filter and the counter of the term that drops the prefix-list');

const text = (settings: Record<string, unknown>, key: string) => String(settings[key]);

export const CLI_COUNTER_READERS: ReadonlyMap<string, CliCounterReader<unknown>> = new Map<string, CliCounterReader<unknown>>([
  [
    'cisco-asa',
    {
      schema: asa,
      reads: (c: z.infer<typeof asa>, s) =>
        (['v4', 'v6'] as const).map((family) => ({
          family,
          command: `show access-list ${c.acl}`,
          parse: (output: string) => parseAsaHitCounts(output, c.acl, text(s, family === 'v4' ? 'groupName' : 'groupNameV6')),
        })),
    },
  ],
  [
    'cisco-ios',
    {
      schema: ios,
      reads: (c: z.infer<typeof ios>, s) => [
        ...(c.acl === undefined
          ? []
          : [
              {
                family: 'v4' as const,
                command: `show ip access-lists ${c.acl}`,
                parse: (o: string) => parseIosMatches(o, text(s, 'groupName')),
              },
            ]),
        ...(c.aclV6 === undefined
          ? []
          : [
              {
                family: 'v6' as const,
                command: `show ipv6 access-list ${c.aclV6}`,
                parse: (o: string) => parseIosMatches(o, text(s, 'groupNameV6')),
              },
            ]),
      ],
    },
  ],
  [
    'junos',
    {
      schema: junos,
      reads: (c: z.infer<typeof junos>) =>
        (['v4', 'v6'] as const).flatMap((family) => {
          const at = c[family];
          return at === undefined
            ? []
            : [
                {
                  family,
                  command: `show firewall filter ${at.filter} counter ${at.counter}`,
                  parse: (o: string) => parseJunosFilterCounter(o, at.filter, at.counter),
                },
              ];
        }),
    },
  ],
]);

/**
 * The writer's own options plus an optional `counters` entry: the options schema is strict, so
 * `counters` is taken off before it sees them and validated on its own (issues under `counters.`).
 */
export function withCounterSettings<O>(options: ZodType<O>, counters: ZodType): ZodType<O & { counters: unknown }> {
  return z.record(z.string(), z.unknown()).transform((raw, ctx) => {
    const { counters: rawCounters, ...rest } = raw;
    const base = options.safeParse(rest);
    const extra = counters.optional().safeParse(rawCounters);
    if (!base.success) for (const issue of base.error.issues) ctx.addIssue(issue as never);
    if (!extra.success) for (const issue of extra.error.issues) ctx.addIssue({ ...issue, path: ['counters', ...issue.path] } as never);
    if (!base.success || !extra.success) return z.NEVER;
    return { ...base.data, counters: extra.data };
    // The pipe's input type is any record, not O's input: ZodType<Out> cannot say that, hence the casts.
  }) as unknown as ZodType<O & { counters: unknown }>;
}

/** Runs the configured reads; a family whose read finds no matching entry stays unreported. */
export async function readCliCounters(
  reads: readonly CounterRead[],
  run: (command: string) => Promise<string>,
): Promise<BlockedCounters | undefined> {
  const out: BlockedCounters = {};
  const outputs = new Map<string, string>();
  for (const read of reads) {
    // The ASA prints both families in one ACL: one command, read twice.
    const output = outputs.get(read.command) ?? (await run(read.command));
    outputs.set(read.command, output);
    const counter = read.parse(output);
    if (counter !== undefined) out[read.family] = counter;
  }
  return Object.keys(out).length === 0 ? undefined : out;
}
