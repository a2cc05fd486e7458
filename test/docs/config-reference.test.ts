/**
 * docs/config.md is the schema's reference (as README's targets table is the registry's): the
 * page must be exactly `config reference`, and every field of the schema, every credential field
 * of every push driver included, must be on it. docs/push-drivers.md may name only fields that
 * exist (it once gave opnsense-api's credentials as apiKey/apiSecret, which config check refuses).
 */
import { expect } from 'chai';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { configReferenceMarkdown } from '../../src/cli/config-reference.js';
import { configJsonSchema, type JsonSchemaNode } from '../../src/config/printable.js';
import { DRIVERS } from '../helpers/registries.js';
import { runCli } from '../helpers/cli.js';
import { REPO_ROOT } from '../helpers/paths.js';
import * as z from 'zod';

const page = (name: string) => readFileSync(join(REPO_ROOT, 'docs', name), 'utf8');

/** Every property name at any depth of a JSON Schema. */
function fieldNames(node: JsonSchemaNode | undefined, into = new Set<string>()): Set<string> {
  if (node === undefined) return into;
  for (const [key, child] of Object.entries(node.properties ?? {})) {
    into.add(key);
    fieldNames(child, into);
  }
  fieldNames(node.items, into);
  if (typeof node.additionalProperties === 'object') fieldNames(node.additionalProperties, into);
  for (const option of node.anyOf ?? []) fieldNames(option, into);
  return into;
}

describe('docs: configuration reference', function () {
  this.timeout(30_000);

  it('docs/config.md is exactly `config reference`', async () => {
    expect(page('config.md').trim()).to.equal(
      await configReferenceMarkdown(),
      'regenerate with `apiban-exporter config reference > docs/config.md`',
    );
    const printed = await runCli(['config', 'reference']);
    expect(printed.code, printed.stderr).to.equal(0);
    expect(printed.stdout.trim()).to.equal(await configReferenceMarkdown());
  });

  it('names every credential field, with a description', () => {
    const credentials = configJsonSchema().properties?.push.properties?.devices.items?.properties?.credentials.properties ?? {};
    expect(Object.keys(credentials)).to.include.members(['apiKeyEnv', 'apiSecretEnv', 'passwordFile', 'privateKeyFile']);
    for (const [name, node] of Object.entries(credentials)) {
      expect(page('config.md')).to.include(`\`push.devices[].credentials.${name}\``);
      expect(node.description, name).to.be.a('string');
    }
  });

  it('docs/push-drivers.md names only fields that exist (camelCase and credentials.* names)', () => {
    const known = fieldNames(configJsonSchema());
    for (const driver of DRIVERS.values())
      fieldNames(z.toJSONSchema(driver.settings, { io: 'input', unrepresentable: 'any' }) as JsonSchemaNode, known);
    const text = page('push-drivers.md');
    const named = [...text.matchAll(/`(?:credentials\.)?([a-z]+[A-Z][A-Za-z0-9]*)`/g), ...text.matchAll(/`credentials\.([A-Za-z]+)`/g)];
    const unknown = named.map((m) => m[1]).filter((name) => !known.has(name));
    expect(unknown, 'fields docs/push-drivers.md names that no schema has').to.deep.equal([]);
    expect(text).to.include('`credentials.apiKeyEnv`').and.include('`credentials.apiSecretEnv`');
  });
});
