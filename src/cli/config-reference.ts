/**
 * docs/config.md, generated from the schema (`apiban-exporter config reference`): every field of
 * the configuration with its type, default and description, then each push driver's settings and
 * each target's options. A test fails when the page and the schemas drift apart.
 */
import * as z from 'zod';
import { configJsonSchema, type JsonSchemaNode } from '../config/printable.js';
import { loadDrivers } from '../push/drivers/index.js';
import { loadTargets } from '../../targets/index.js';

interface Row {
  path: string;
  node: JsonSchemaNode;
}

/** Every field under `node`, depth first: list items as `[]`, open mappings as `<name>`. */
function rows(node: JsonSchemaNode, path: string): Row[] {
  const own: Row[] = path === '' ? [] : [{ path, node }];
  const item = node.items;
  const children = [
    ...Object.entries(node.properties ?? {}).map(([key, child]) => rows(child, path === '' ? key : `${path}.${key}`)),
    item?.properties !== undefined ? rows({ properties: item.properties }, `${path}[]`) : [],
    typeof node.additionalProperties === 'object' && node.additionalProperties.properties !== undefined
      ? rows(node.additionalProperties, `${path}.<name>`)
      : [],
  ];
  return [...own, ...children.flat()];
}

function typeName(node: JsonSchemaNode & { const?: unknown }): string {
  if (node.format === 'duration') return 'duration';
  if (node.format === 'cidr') return 'address or CIDR';
  if (node.enum !== undefined) return node.enum.map((v) => `\`${String(v)}\``).join(', ');
  if (node.const !== undefined) return `\`${String(node.const)}\``;
  if (node.anyOf !== undefined) return node.anyOf.map(typeName).join(' or ');
  const type = Array.isArray(node.type) ? node.type.join(' or ') : node.type;
  if (type === 'array') return `list of ${typeName(node.items ?? {})}`;
  if (type === 'object') return node.properties === undefined ? 'mapping' : 'section';
  if (type === 'integer' || type === 'number') return `${type}${range(node)}`;
  return type ?? 'any';
}

/** ` 1..32`, ` 1..` (positive), or nothing; zod's safe-integer bounds are no one's limit. */
function range(node: JsonSchemaNode & { exclusiveMinimum?: number }): string {
  const min = node.minimum ?? (node.exclusiveMinimum === undefined ? undefined : node.exclusiveMinimum + 1);
  const max = node.maximum !== undefined && node.maximum < Number.MAX_SAFE_INTEGER ? node.maximum : undefined;
  return min === undefined && max === undefined ? '' : ` ${min ?? ''}..${max ?? ''}`;
}

function defaultText(node: JsonSchemaNode): string {
  const value = node.default;
  if (value === undefined || (typeof value === 'object' && value !== null && Object.keys(value).length === 0 && !Array.isArray(value)))
    return '';
  return `\`${typeof value === 'string' ? value : JSON.stringify(value)}\``;
}

function table(node: JsonSchemaNode, prefix: string): string {
  const lines = rows(node, prefix)
    .filter((row) => row.node !== node)
    .map(({ path, node: field }) => {
      const cells = [`\`${path}\``, typeName(field), defaultText(field), field.description ?? ''];
      return `| ${cells.map((cell) => cell.replaceAll('|', '\\|')).join(' | ')} |`;
    });
  return ['| field | type | default | description |', '|---|---|---|---|', ...lines].join('\n');
}

const inputSchema = (schema: z.ZodType) => z.toJSONSchema(schema, { io: 'input', unrepresentable: 'any' }) as JsonSchemaNode;

export async function configReferenceMarkdown(): Promise<string> {
  const config = configJsonSchema();
  const sections = Object.entries(config.properties ?? {}).map(
    ([name, node]) => `## \`${name}\`\n\n${node.description ?? ''}\n\n${table(node, name)}`,
  );
  const drivers = [...(await loadDrivers())].map(([name, driver]) => {
    const settings = inputSchema(driver.settings);
    const body = settings.properties === undefined ? `The \`${name}\` target's options (below).` : table(settings, 'settings');
    return `### \`${name}\`\n\n${body}`;
  });
  const targets = [...(await loadTargets())].map(([name, writer]) => `### \`${name}\`\n\n${table(inputSchema(writer.options), 'options')}`);
  return [
    '# Configuration reference',
    '',
    'Generated from the schema by `apiban-exporter config reference`; a test fails when this page and the',
    'code drift apart. A duration is a number of seconds or a number with a unit (`500ms`, `90s`,',
    // biome-ignore lint/suspicious/noTemplateCurlyInString: ${VAR} is the config's own substitution syntax, shown to the user
    '`5m`, `12h`, `7d`). Any string may use `${VAR}` (an unset variable is an error; `$${` is a literal',
    '`${`). `config print` shows a file with every default filled in.',
    '',
    ...sections.flatMap((s) => [s, '']),
    '## Push driver settings (`push.devices[].settings`)',
    '',
    ...drivers.flatMap((s) => [s, '']),
    '## Target options (`outputs[].options`, `export -o`)',
    '',
    ...targets.flatMap((s) => [s, '']),
  ]
    .join('\n')
    .trimEnd();
}
