/**
 * Reads the fenced code blocks of the project's markdown, so the docs tests run what the
 * documentation shows rather than a copy. A block may be named by an HTML comment on the line
 * before its fence (invisible when rendered):
 *
 *   <!-- docs-test: install -->          a test runs this block by that name
 *   <!-- docs-test: skip (reason) -->    not runnable offline; the reason says why
 */
import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { REPO_ROOT } from '../helpers/paths.js';

export interface FencedBlock {
  /** Repository-relative file name. */
  file: string;
  /** 1-based line of the opening fence. */
  line: number;
  lang: string;
  body: string;
  /** The `docs-test:` marker's text, when the block has one. */
  marker?: string | undefined;
  /** The prose of the block's section (from its heading to the next), without any code block. */
  prose: string;
}

/** README.md and every docs/*.md, repository-relative. */
export function markdownFiles(): string[] {
  return [
    'README.md',
    ...readdirSync(join(REPO_ROOT, 'docs'))
      .filter((f) => f.endsWith('.md'))
      .sort()
      .map((f) => `docs/${f}`),
  ];
}

export function fencedBlocks(file: string): FencedBlock[] {
  const lines = readFileSync(join(REPO_ROOT, file), 'utf8').split('\n');
  const blocks: FencedBlock[] = [];
  let open: { line: number; lang: string; marker?: string | undefined; body: string[] } | undefined;
  for (const [i, text] of lines.entries()) {
    if (open !== undefined) {
      if (/^```\s*$/.test(text)) {
        blocks.push({
          file,
          line: open.line,
          lang: open.lang,
          body: `${open.body.join('\n')}\n`,
          marker: open.marker,
          prose: proseAround(lines, i),
        });
        open = undefined;
      } else open.body.push(text);
      continue;
    }
    const fence = /^```(\S*)\s*$/.exec(text);
    if (fence === null) continue;
    const marker = /^<!-- docs-test: (.+?) -->$/.exec(lines[i - 1] ?? '')?.[1];
    open = { line: i + 1, lang: fence[1], marker, body: [] };
  }
  return blocks;
}

/** The one block a test runs by name. */
export function namedBlock(file: string, name: string): FencedBlock {
  const found = fencedBlocks(file).filter((b) => b.marker === name);
  if (found.length !== 1) throw new Error(`${file}: expected one block marked "docs-test: ${name}", found ${found.length}`);
  return found[0];
}

/** The text of the section holding line `at`: heading to heading, code blocks left out. */
function proseAround(lines: string[], at: number): string {
  let inCode = false;
  const code = lines.map((text) => {
    const fence = /^```/.test(text);
    if (fence) inCode = !inCode;
    return fence || inCode;
  });
  const heading = (i: number) => !code[i] && /^#{1,6} /.test(lines[i]);
  let start = at;
  while (start > 0 && !heading(start)) start--;
  let end = at + 1;
  while (end < lines.length && !heading(end)) end++;
  return lines
    .slice(start, end)
    .filter((_, i) => !code[start + i])
    .join('\n');
}

/** `${NAME}` references of a YAML text (`$${` is a literal). */
export function envReferences(yamlText: string): string[] {
  const names = new Set<string>();
  for (const part of yamlText.split('$${')) for (const match of part.matchAll(/\$\{([A-Za-z_][A-Za-z0-9_]*)\}/g)) names.add(match[1]);
  return [...names];
}
