/**
 * docs/push-drivers.md and docs/push.md against the driver registry, as readme.test.ts does for
 * the targets table: the generated table must be exactly `push --drivers-markdown`, and the
 * hand-kept tables must name exactly the registry's drivers of their kind.
 */
import { expect } from 'chai';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { driversMarkdown } from '../src/cli/drivers-markdown.js';
import { DRIVERS, TARGETS } from './helpers/registries.js';
import { runCli } from './helpers/cli.js';
import { REPO_ROOT } from './helpers/paths.js';
import { present } from './helpers/present.js';

const page = (name: string) => readFileSync(join(REPO_ROOT, 'docs', name), 'utf8');

/** First-column names of the markdown table whose header row starts with `| driver |` and has `column`. */
function tableDrivers(markdown: string, column: string): string[] {
  const lines = markdown.split('\n');
  const start = lines.findIndex((line) => line.startsWith('| driver |') && line.includes(`| ${column} |`));
  expect(start, `no driver table with a "${column}" column`).to.be.greaterThan(-1);
  const rows: string[] = [];
  for (const line of lines.slice(start + 2)) {
    if (!line.startsWith('|')) break;
    rows.push(line.split('|')[1].trim().replace(/`/g, ''));
  }
  return rows.sort();
}

const cliDrivers = [...DRIVERS.keys()].filter((name) => TARGETS.get(name)?.device !== undefined).sort();
const otherDrivers = [...DRIVERS.keys()].filter((name) => !cliDrivers.includes(name)).sort();

describe('docs: push drivers', () => {
  it('holds exactly the registry table between the drivers markers of push-drivers.md', async () => {
    const table = /<!-- drivers:start -->\n([\s\S]*?)<!-- drivers:end -->/.exec(page('push-drivers.md'))?.[1];
    expect(table, 'drivers markers missing').to.be.a('string');
    expect(present(table, 'the drivers table').trim()).to.equal(
      await driversMarkdown(),
      'regenerate with `apiban-exporter push --drivers-markdown`',
    );
  });

  it('prints that table with push --drivers-markdown, without a configuration', async () => {
    const result = await runCli(['push', '--drivers-markdown']);
    expect(result.code, result.stderr).to.equal(0);
    expect(result.stdout.trim()).to.equal(await driversMarkdown());
  });

  it("names every shell and HTTP driver, and no other, in push-drivers.md's hand-kept table", () => {
    expect(tableDrivers(page('push-drivers.md'), 'transport')).to.deep.equal(otherDrivers);
  });

  it("names every CLI driver, and no other, in push.md's hand-kept table", () => {
    expect(tableDrivers(page('push.md'), 'read')).to.deep.equal(cliDrivers);
  });
});
