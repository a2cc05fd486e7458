import { expect } from 'chai';
import fc from 'fast-check';
import { formatIPv4 } from '../../src/banset/address.js';
import { parseListBytes, parseListText } from '../../src/banset/list-bytes.js';
import { createBanSet } from '../../src/banset/banset.js';
import { parseEntries } from '../../src/banset/candidates.js';
import { parsePrefix } from '../../src/banset/address.js';
import { unfilteredSet } from '../../src/sync/publish.js';

describe('banset/candidates', () => {
  it('parses bytes exactly as text, rejecting look-alike characters outside ASCII', () => {
    const text = '192.0.2.1\n# c\n ; c\n198.51.100.0/24 # note\n2001:db8::1\n1\u0131.0.0.1\n\u0661.2.3.4\n192.0.2.7 junk\n\u00a0\r\n';
    const fromBytes = parseListBytes(Buffer.from(text, 'utf8'), 's');
    const fromText = parseListText(text, 's');
    expect(fromBytes.invalidSamples).to.deep.equal(fromText.invalidSamples);
    expect(fromBytes.invalidSamples.map((r) => r.entry)).to.deep.equal(['1\u0131.0.0.1', '\u0661.2.3.4', '192.0.2.7 junk', '\u00a0']);
    expect(fromBytes.raw).to.deep.equal(fromText.raw);
    expect(
      unfilteredSet(fromBytes)
        .toArray()
        .map((p) => p.network),
    ).to.have.length(3);
  });

  it('builds the same set from sorted and shuffled lists (the sorted input skips the sort)', () => {
    fc.assert(
      fc.property(
        fc.array(fc.tuple(fc.integer({ min: 0, max: 2 ** 32 - 1 }), fc.integer({ min: 8, max: 32 })), { maxLength: 300 }),
        (raw) => {
          const lines = raw.map(([address, length]) => `${formatIPv4(address - (address % 2 ** (32 - length)))}/${length}`);
          const sorted = [...lines].sort(
            (a, b) =>
              (parsePrefix(a).network as number) - (parsePrefix(b).network as number) || parsePrefix(a).length - parsePrefix(b).length,
          );
          const expected = createBanSet(lines.map((l) => parsePrefix(l))).toArray();
          expect(unfilteredSet(parseListText(lines.join('\n'), 's')).toArray()).to.deep.equal(expected);
          expect(unfilteredSet(parseListText(sorted.join('\n'), 's')).toArray()).to.deep.equal(expected);
          expect(
            unfilteredSet(parseListText(lines.join('\n'), 's'))
              .aggregate()
              .toArray(),
          ).to.deep.equal(
            createBanSet(lines.map((l) => parsePrefix(l)))
              .aggregate()
              .toArray(),
          );
        },
      ),
    );
  });

  it('sorts a shuffled list of one prefix length (the sort then moves networks only)', () => {
    fc.assert(
      fc.property(
        fc.array(fc.integer({ min: 0, max: 2 ** 32 - 1 }), { maxLength: 400 }),
        fc.integer({ min: 24, max: 32 }),
        (raw, length) => {
          const networks = raw.map((address) => address - (address % 2 ** (32 - length)));
          const text = networks.map((n) => `${formatIPv4(n)}/${length}`).join('\n');
          const expected = [...new Set(networks)].sort((a, b) => a - b).map((network) => ({ family: 4, network, length }));
          expect(unfilteredSet(parseListText(text, 's')).toArray()).to.deep.equal(expected);
        },
      ),
    );
  });

  it('reads IPv4 in list files exactly as the strict string parser does, lone line or among others', () => {
    const piece = fc.oneof(
      fc.constantFrom(
        '0',
        '1',
        '9',
        '00',
        '01',
        '10',
        '25',
        '255',
        '256',
        '299',
        '1000',
        '.',
        '/',
        '/0',
        '/8',
        '/24',
        '/32',
        '/33',
        '/024',
        '/00',
        ':',
        'a',
      ),
      fc.integer({ min: 0, max: 255 }).map(String),
    );
    const text = fc.oneof(
      fc.array(piece, { minLength: 1, maxLength: 9 }).map((pieces) => pieces.join('')),
      fc
        .tuple(
          fc.oneof(fc.constant(0), fc.constant(0xc0000000), fc.integer({ min: 0, max: 0xffffffff })),
          fc.constantFrom('', '/16', '/24', '/31', '/32', '/0', '/00', '/08', '/024', '/032', '/', '/1234', '/+8', '/-1', '/3a'),
        )
        .map(([n, suffix]) => formatIPv4(n) + suffix),
    );
    fc.assert(
      fc.property(text, (entry) => {
        const reference = parseEntries([entry], 's');
        for (const [list, others] of [
          [entry, 0],
          [`${entry}\n`, 0],
          [`192.0.2.1\n${entry}\n198.51.100.1`, 2],
        ] as const) {
          const parsed = parseListText(list, 's');
          expect(parsed.invalid, list).to.equal(reference.invalid);
          expect(parsed.accepted, list).to.equal(reference.accepted + others);
          if (others === 0) expect(parsed.raw, list).to.deep.equal(reference.raw);
        }
      }),
      { numRuns: 3000 },
    );
  });
});
