/**
 * The suite every registered writer passes: golden output per case, determinism, the empty set,
 * the family policy, strict options, device limits, and hostile input that never reaches output.
 * Run with UPDATE_GOLDEN=1 to (re)write fixtures/golden/<name>/<case>.txt, then read the diff.
 * A writer whose options need values (a URL, say) keeps them in fixtures/golden/<name>/options.json.
 */
import { expect } from 'chai';
import { existsSync, mkdirSync, readFileSync, readdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { formatPrefix, parsePrefix, type Prefix } from '../../src/banset/address.js';
import { createBanSet, type BanSet } from '../../src/banset/banset.js';
import { applyPolicy, DEFAULT_POLICY, parseEntries } from '../../src/banset/policy.js';
import { formatIssues } from '../../src/config/load.js';
import { configSchema } from '../helpers/config-schema.js';
import { TargetLimitError } from '../../src/errors.js';
import type { OutputShape } from '../../src/writers/render.js';
import { renderOutput } from '../../src/writers/render.js';
import { TARGETS } from '../helpers/registries.js';
import { fixture, REPO_ROOT } from '../helpers/paths.js';
import { addressTokens, edgeBans, expectContained, HOSTILE_OPTION_VALUES, stringOptionPaths, withOption } from '../helpers/writer-check.js';
import { present } from '../helpers/present.js';

const set = (...entries: string[]) => createBanSet(entries.map(parsePrefix));
const SMALL_V4 = ['192.0.2.10', '198.51.100.0/24', '203.0.113.7', '192.0.2.77'];
const SMALL_V6 = ['2001:db8::1', '2001:db8:1::/48', '2001:db8:ffff::abcd'];

/** Strings a hostile feed might send; none may appear in any output. */
const HOSTILE = [
  '192.0.2.1\nend',
  '192.0.2.2; reload',
  '192.0.2.3 ; reload',
  '192.0.2.4\r\nwrite erase',
  '$(reboot)',
  '`id`',
  '192.0.2.5/24',
  'no new bans',
  '192.0.2.6 #',
  '<script>',
  '"]}',
  '2001:db8::1%eth0',
  '192.0.2.7\u0000',
];
const HOSTILE_FRAGMENTS = ['reload', 'write erase', 'reboot', '`id`', '<script>', 'eth0', '\u0000', '\r'];

const CASES: Record<string, { bans: () => BanSet; shape?: OutputShape }> = {
  empty: { bans: () => set() },
  'v4-only': { bans: () => set(...SMALL_V4) },
  'v6-only': { bans: () => set(...SMALL_V6) },
  mixed: { bans: () => set(...SMALL_V4, ...SMALL_V6) },
  aggregated: {
    bans: () =>
      set('192.0.2.0', '192.0.2.1', '192.0.2.2', '192.0.2.3', '198.51.100.128/25', '198.51.100.0/25', '2001:db8::', '2001:db8::1'),
    shape: { aggregate: true },
  },
};

/** Hosts of the large-set render, every other address from 11.0.0.0 up (nothing can merge them). */
const LARGE = 150_000;
const largeSets = new Map<number, BanSet>();
function largeSet(count: number): BanSet {
  const cached = largeSets.get(count);
  if (cached !== undefined) return cached;
  const built = createBanSet(Array.from({ length: count }, (_, i) => ({ family: 4 as const, network: 0x0b000000 + i * 2, length: 32 })));
  largeSets.set(count, built);
  return built;
}
/**
 * An entry of the large set as a writer writes it: every one lies in 11.0.0.0/8, so no mask, no
 * placeholder and no other address of a body matches (the canonical form of each prefix a writer
 * writes is checked on the edge set above; here the count and the order).
 */
const LARGE_ENTRY = /(?<![\w.:])11(?:\.\d{1,3}){3}(?![\w.:])/g;

function optionsFor(name: string): unknown {
  const path = fixture('golden', name, 'options.json');
  return existsSync(path) ? JSON.parse(readFileSync(path, 'utf8')) : {};
}

describe('targets/conformance', () => {
  it('registers every file in targets/ under its own file name', () => {
    const files = readdirSync(join(REPO_ROOT, 'targets')).filter((f) => f.endsWith('.ts') && f !== 'index.ts');
    expect(files.map((f) => f.replace(/\.ts$/, '')).sort()).to.deep.equal([...TARGETS.keys()].sort());
  });

  for (const writer of TARGETS.values()) {
    describe(writer.name, () => {
      const options = () => writer.options.parse(optionsFor(writer.name));

      it('has a kebab-case name, a summary and an HTTP shape', () => {
        expect(writer.name).to.match(/^[a-z0-9]+(-[a-z0-9]+)*$/);
        expect(writer.summary).to.be.a('string').and.not.match(/\n/);
        expect(writer.http.extension).to.match(/^\.[a-z0-9.]+$/);
        expect(writer.http.contentType).to.match(/^[a-z]+\/[a-z0-9.+-]+/);
      });

      it('rejects unknown options with a clear error', () => {
        const output = { name: 'edge', target: writer.name, options: { ...(optionsFor(writer.name) as object), noSuchOption: 1 } };
        const result = configSchema.safeParse({ outputs: [output] });
        expect(result.success).to.equal(false);
        const problems = formatIssues(present(result.error, 'a parse error').issues);
        // The path names the option and the output entry whose `target` is this writer.
        expect(problems).to.deep.equal(['outputs[0].options.noSuchOption: unknown key']);
      });

      it('refuses or escapes option values that would break out of a name, a string or a line', () => {
        const base = optionsFor(writer.name) as object;
        const paths = stringOptionPaths(writer.options);
        for (const path of paths) {
          for (const value of HOSTILE_OPTION_VALUES) {
            const parsed = writer.options.safeParse(withOption(base, path, value));
            if (!parsed.success) continue;
            expectContained(writer, renderOutput(writer, edgeBans(), parsed.data), value, `${path.join('.')}=${JSON.stringify(value)}`);
          }
        }
      });

      it('writes each prefix of the set in its canonical form and nothing else that looks like an address', () => {
        const bans = edgeBans();
        const tokens = addressTokens(renderOutput(writer, bans, options()));
        expect(
          tokens.filter((t) => typeof t === 'string'),
          'non-canonical address text',
        ).to.deep.equal([]);
        const written = (tokens as Prefix[]).map((p) => formatPrefix(p));
        expect(new Set(written).size, `some prefix written twice: ${written.join(' ')}`).to.equal(written.length);
        for (const family of ['v4', 'v6'] as const) {
          const members = bans.toArray(family).map((p) => formatPrefix(p));
          const seen = written.filter((text) => members.includes(text));
          // A writer writes all of a family or none of it (URL-table aliases, one-family targets).
          if (seen.length > 0) expect(seen, `${family} entries`).to.deep.equal(members);
        }
        const members = new Set(bans.toArray().map((p) => formatPrefix(p)));
        expect(
          written.filter((text) => !members.has(text)),
          'addresses not in the set',
        ).to.deep.equal([]);
      });

      for (const [caseName, { bans, shape }] of Object.entries(CASES)) {
        it(`matches fixtures/golden/${writer.name}/${caseName}.txt`, () => {
          const body = renderOutput(writer, bans(), options(), shape);
          const path = fixture('golden', writer.name, `${caseName}.txt`);
          if (process.env.UPDATE_GOLDEN) {
            mkdirSync(fixture('golden', writer.name), { recursive: true });
            writeFileSync(path, body);
          }
          expect(existsSync(path), `missing golden ${path}; run with UPDATE_GOLDEN=1 and review it`).to.equal(true);
          expect(body).to.equal(readFileSync(path, 'utf8'));
        });
      }

      it('is deterministic whatever the input order', () => {
        const a = renderOutput(writer, set(...SMALL_V4, ...SMALL_V6), options());
        const b = renderOutput(writer, set(...[...SMALL_V6, ...SMALL_V4].reverse()), options());
        expect(a).to.equal(b);
        expect(a === '' || a.endsWith('\n'), 'output ends with a newline').to.equal(true);
      });

      it('renders no address of a family it does not take', () => {
        const body = renderOutput(writer, set(...SMALL_V4, ...SMALL_V6), options());
        const foreign = writer.families === 'v4' ? SMALL_V6 : writer.families === 'v6' ? SMALL_V4 : [];
        for (const entry of foreign) expect(body).not.to.include(formatPrefix(parsePrefix(entry)));
      });

      it('never lets hostile feed strings reach the output', () => {
        const { bans } = applyPolicy(parseEntries([...HOSTILE, '203.0.113.9'], 'hostile'), DEFAULT_POLICY);
        expect(bans.size).to.equal(1);
        const body = renderOutput(writer, bans, options());
        for (const fragment of HOSTILE_FRAGMENTS) expect(body).not.to.include(fragment);
      });

      it('renders a large set (150k entries: beyond any spread-argument limit)', () => {
        const big = largeSet(Math.min(LARGE, writer.maxEntries ?? Infinity));
        const entries = renderOutput(writer, big, options()).match(LARGE_ENTRY) ?? [];
        if (entries.length === 0) return; // URL-table aliases carry the feed's URL, not its entries
        const members = big.toArray().map((p) => formatPrefix(p));
        expect(entries.length, 'entries written').to.equal(members.length);
        expect(entries[0], 'first entry').to.equal(members[0]);
        expect(entries.at(-1), 'last entry').to.equal(members.at(-1));
      });

      if (writer.maxEntries !== undefined && writer.maxEntries < 2_000_000) {
        it(`refuses more than ${writer.maxEntries} entries instead of cutting the list`, () => {
          const count = present(writer.maxEntries, 'maxEntries') + 1;
          expect(() => renderOutput(writer, largeSet(count), options())).to.throw(TargetLimitError);
        });
      }
    });
  }
});
