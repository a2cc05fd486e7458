import { expect } from 'chai';
import { formatPrefix, parsePrefix } from '../../src/banset/address.js';
import { createBanSet } from '../../src/banset/banset.js';
import { diffBanSets } from '../../src/banset/diff.js';
import { cleanCliOutput, planFamilyChange, type FamilyChange } from '../../src/writers/device-output.js';

const set = (...entries: string[]) => createBanSet(entries.map(parsePrefix));
const texts = (change: FamilyChange) => ({
  add: change.add.map((p) => formatPrefix(p)),
  remove: change.remove.map((p) => formatPrefix(p)),
});

describe('writers/device-output', () => {
  describe('cleanCliOutput', () => {
    it("removes IOS, ASA and Junos pager leftovers without eating the next line's indentation", () => {
      const ios = ` host 192.0.2.1\r\n --More-- ${'\b'.repeat(9)}${' '.repeat(9)}${'\b'.repeat(9)} host 192.0.2.2\r\n`;
      expect(cleanCliOutput(ios)).to.deep.equal([' host 192.0.2.1', ' host 192.0.2.2', '']);
      expect(cleanCliOutput(' a\n<--- More --->\r              \r b\n')).to.deep.equal([' a', ' b', '']);
      expect(cleanCliOutput('set a\n---(more 12%)---\r      \rset b')).to.deep.equal(['set a', 'set b']);
    });

    it('strips terminal escapes and trailing blanks', () => {
      expect(cleanCliOutput('\x1b[7m host 192.0.2.1 \x1b[m  \r\n')).to.deep.equal([' host 192.0.2.1', '']);
    });
  });

  describe('planFamilyChange', () => {
    const P = parsePrefix('192.0.2.255');
    const change = (before: string[], after: string[]) => {
      const wanted = set(...after);
      return texts(planFamilyChange(diffBanSets(set(...before), wanted), wanted, 4, P));
    };

    it('is the plain diff of the family while the wanted list has entries', () => {
      expect(change(['192.0.2.1', '2001:db8::1'], ['192.0.2.2'])).to.deep.equal({ add: ['192.0.2.2'], remove: ['192.0.2.1'] });
      expect(change(['192.0.2.255'], ['192.0.2.2'])).to.deep.equal({ add: ['192.0.2.2'], remove: ['192.0.2.255'] });
    });

    it('adds the placeholder first, or keeps it, when the wanted list is empty', () => {
      expect(change(['192.0.2.1'], [])).to.deep.equal({ add: ['192.0.2.255'], remove: ['192.0.2.1'] });
      expect(change(['192.0.2.1', '192.0.2.255'], [])).to.deep.equal({ add: [], remove: ['192.0.2.1'] });
      expect(change([], ['2001:db8::1'])).to.deep.equal({ add: [], remove: [] });
    });
  });
});
