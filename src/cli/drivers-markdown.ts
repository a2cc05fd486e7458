/**
 * The generated table of docs/push-drivers.md (`push --drivers-markdown`): one row per entry of
 * the driver registry, so the page cannot miss a driver or keep a removed one (a test compares).
 */
import { loadDrivers } from '../push/drivers/index.js';

type SchemaNode = { _zod: { def: { type: string; innerType?: SchemaNode; in?: SchemaNode; shape?: Record<string, unknown> } } };

/** Top-level setting names of a driver's settings schema (through defaults and pipes). */
function settingNames(schema: unknown): string[] {
  let def = (schema as SchemaNode)._zod.def;
  for (let next = def.innerType ?? def.in; next !== undefined; next = def.innerType ?? def.in) def = next._zod.def;
  return def.shape === undefined ? [] : Object.keys(def.shape);
}

export async function driversMarkdown(): Promise<string> {
  const rows = [...(await loadDrivers()).values()].map((d) => {
    const settings =
      settingNames(d.settings)
        .map((name) => `\`${name}\``)
        .join(', ') || '-';
    const writer = d.writer ? `\`${d.writer.name}\`` : '-';
    return `| \`${d.name}\` | ${d.summary.replace(/\|/g, '\\|')} | ${d.families} | ${writer} | ${settings} |`;
  });
  const head = '| driver | what it does | families | set shaped like target | settings |';
  return [head, '|---|---|---|---|---|', ...rows].join('\n');
}
