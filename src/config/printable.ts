/**
 * `config print`: the file as written (durations in their own units, `${VAR}` references kept),
 * with every default filled in from the schema (in the units the schema writes them: `5m`) and
 * secrets redacted (redact.ts). Printing the printed file gives the same text, and it loads to
 * the same configuration (a test checks both).
 */
import * as z from 'zod';
import { isJsonObject } from '../json-object.js';
import { applyEnvOverrides, type Env } from './load.js';
import { redactForPrint } from './redact.js';
import { buildConfigSchema } from './schema.js';
import { isSecretName } from './secret-keys.js';

/** The subset of JSON Schema this walk reads. */
export interface JsonSchemaNode {
  type?: string | string[];
  default?: unknown;
  description?: string;
  format?: string;
  enum?: unknown[];
  properties?: Record<string, JsonSchemaNode>;
  additionalProperties?: JsonSchemaNode | boolean;
  items?: JsonSchemaNode;
  anyOf?: JsonSchemaNode[];
  required?: string[];
  minimum?: number;
  maximum?: number;
  minLength?: number;
}

/**
 * The configuration schema as JSON Schema, on the input side (what the file may hold: `5m`, not
 * milliseconds). Writers' options and drivers' settings are open mappings here: each is checked by
 * its writer's or driver's own schema.
 */
export function configJsonSchema(): JsonSchemaNode {
  const none = { names: [], get: () => undefined };
  const schema = buildConfigSchema({ targets: none, drivers: none });
  return z.toJSONSchema(schema, { io: 'input', unrepresentable: 'any' }) as JsonSchemaNode;
}

/** `value` with the schema's defaults added where the file says nothing, keys in the schema's order. */
export function withDefaults(node: JsonSchemaNode, value: unknown): unknown {
  const filled = value === undefined ? structuredClone(node.default) : value;
  if (Array.isArray(filled))
    return node.items === undefined ? filled : filled.map((item) => withDefaults(node.items as JsonSchemaNode, item));
  if (!isJsonObject(filled)) return filled;
  const out: Record<string, unknown> = {};
  for (const [key, child] of Object.entries(node.properties ?? {})) {
    const entry = withDefaults(child, filled[key]);
    if (entry !== undefined) out[key] = entry;
  }
  const open = typeof node.additionalProperties === 'object' ? node.additionalProperties : undefined;
  for (const [key, entry] of Object.entries(filled)) {
    if (!(key in out)) out[key] = open === undefined ? entry : withDefaults(open, entry);
  }
  return out;
}

/** What `config print` shows: the APIBAN key as `${APIBAN_KEY}` when that variable sets it. */
export function printableConfig(document: Record<string, unknown>, env: Env): unknown {
  const overridden = applyEnvOverrides(document, env, (name, value) =>
    isSecretName(name.replace(/^APIBAN_/, '')) ? `\${${name}}` : value,
  );
  return redactForPrint(withDefaults(configJsonSchema(), overridden));
}
