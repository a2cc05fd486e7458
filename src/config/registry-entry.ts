/**
 * Config entries that name something from a registry (an output's `target`, a device's
 * `driver`) and carry that thing's own options: one lookup and one nested validation, with
 * problems reported under the entry's own paths so `config check` names the exact field.
 */
import { z, type ZodType } from 'zod';

export function resolveRegistryEntry<E, V>(
  ctx: z.RefinementCtx,
  registry: ReadonlyMap<string, E>,
  reference: { field: string; kind: string; name: string },
  schemaOf: (entry: E) => ZodType<V>,
  nested: { field: string; value: unknown },
): { entry: E; value: V } | undefined {
  const entry = registry.get(reference.name);
  if (entry === undefined) {
    const supported = [...registry.keys()].join(', ');
    ctx.addIssue({ code: 'custom', path: [reference.field], message: `unknown ${reference.kind} ${JSON.stringify(reference.name)}; supported: ${supported}` });
    return undefined;
  }
  const parsed = schemaOf(entry).safeParse(nested.value);
  if (!parsed.success) {
    for (const issue of parsed.error.issues) ctx.addIssue({ ...issue, path: [nested.field, ...issue.path] } as never);
    return undefined;
  }
  return { entry, value: parsed.data };
}
