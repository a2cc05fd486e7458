/**
 * Config entries that name something from a registry (an output's `target`, a device's
 * `driver`) and carry that thing's own options: one lookup and one nested validation, with
 * problems reported under the entry's own paths so `config check` names the exact field.
 */
import * as z from 'zod';
import type { ZodType } from 'zod';
import { ONE_PARSE } from '../plain-issues.js';

/**
 * What the schema sees of a registry: every name it knows (for "supported: ..."), and the entries
 * loaded for this configuration. loadConfig loads every entry the configuration names before it
 * validates, so a known name always finds its entry.
 */
export interface RegistryView<E> {
  readonly names: readonly string[];
  get(name: string): E | undefined;
}

export function resolveRegistryEntry<E, V>(
  ctx: z.RefinementCtx,
  registry: RegistryView<E>,
  reference: { field: string; kind: string; name: string },
  schemaOf: (entry: E) => ZodType<V>,
  nested: { field: string; value: unknown },
): { entry: E; value: V } | undefined {
  const entry = registry.get(reference.name);
  if (entry === undefined) {
    const supported = registry.names.join(', ');
    ctx.addIssue({
      code: 'custom',
      path: [reference.field],
      message: `unknown ${reference.kind} ${JSON.stringify(reference.name)}; supported: ${supported}`,
    });
    return undefined;
  }
  const parsed = safeParseNested(schemaOf(entry), nested.value);
  if (!parsed.success) {
    for (const issue of parsed.issues) ctx.addIssue({ ...issue, path: [nested.field, ...issue.path] } as never);
    return undefined;
  }
  return { entry, value: parsed.data };
}

/**
 * safeParse, and also a ZodError thrown out of a transform inside the entry's schema (a schema
 * that calls another's `.parse()`): still a problem with the options, never a crash.
 */
function safeParseNested<V>(
  schema: ZodType<V>,
  value: unknown,
): { success: true; data: V } | { success: false; issues: z.core.$ZodIssue[] } {
  try {
    const parsed = schema.safeParse(value, ONE_PARSE);
    return parsed.success ? { success: true, data: parsed.data } : { success: false, issues: parsed.error.issues };
  } catch (error) {
    if (!(error instanceof z.ZodError)) throw error;
    return { success: false, issues: error.issues };
  }
}
