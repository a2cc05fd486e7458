import { expect } from 'chai';
import { groupLines } from '../../src/writers/line-groups.js';

/** The obvious string version, to compare the byte-level one against. */
function reference(lines: string, open: string, separator: string, close: string, perGroup: number): string {
  const items = lines === '' ? [] : lines.slice(0, -1).split('\n');
  let out = '';
  for (let i = 0; i < items.length; i += perGroup) out += open + items.slice(i, i + perGroup).join(separator) + close;
  return out;
}

describe('writers/line-groups', () => {
  it('wraps every line when the group size is 1', () => {
    expect(groupLines('192.0.2.1\n198.51.100.0/24\n', { open: 'add s ', separator: '', close: '\n' })).to.equal(
      'add s 192.0.2.1\nadd s 198.51.100.0/24\n',
    );
  });

  it('returns nothing for no lines', () => {
    expect(groupLines('', { open: 'x', separator: ',', close: '\n', perGroup: 3 })).to.equal('');
  });

  it('matches the plain string version for every group size around the line count', () => {
    const lines = `${Array.from({ length: 10 }, (_, i) => `10.0.0.${i}`).join('\n')}\n`;
    for (let perGroup = 1; perGroup <= 12; perGroup++) {
      expect(groupLines(lines, { open: '{ ', separator: ', ', close: ' }\n', perGroup }), `perGroup ${perGroup}`).to.equal(
        reference(lines, '{ ', ', ', ' }\n', perGroup),
      );
    }
  });
});
