import { expect } from 'chai';
import { formatPlan } from '../../src/cli/plan-text.js';

describe('push --dry-run plan text', () => {
  const numbered = (prefix: string, count: number) => Array.from({ length: count }, (_, i) => `${prefix}${i + 1}`);

  it('prints a short plan as it is, an uploaded file indented under its sftp line', () => {
    const plan = [
      'sftp put /tmp/x.txt (2 lines, 24 bytes):\n192.0.2.1\n198.51.100.0/24',
      'pfctl -t APIBAN_SIP -T replace -f /tmp/x.txt',
      'rm -f /tmp/x.txt',
    ];
    expect(formatPlan(plan)).to.deep.equal([
      'sftp put /tmp/x.txt (2 lines, 24 bytes):',
      '  192.0.2.1',
      '  198.51.100.0/24',
      'pfctl -t APIBAN_SIP -T replace -f /tmp/x.txt',
      'rm -f /tmp/x.txt',
    ]);
  });

  it('shows 50 commands, then counts the rest', () => {
    expect(formatPlan(numbered('cmd ', 50))).to.deep.equal(numbered('cmd ', 50));
    expect(formatPlan(numbered('cmd ', 51))).to.deep.equal([...numbered('cmd ', 50), '… 1 more line']);
    expect(formatPlan(numbered('cmd ', 175))).to.deep.equal([...numbered('cmd ', 50), '… 125 more lines']);
  });

  it('caps a long file at 50 lines and still shows the commands after it', () => {
    const file = ['sftp put /tmp/x.nft (300 lines, 4000 bytes):', ...numbered('add element ', 300)].join('\n');
    expect(formatPlan([file, 'nft -f /tmp/x.nft', 'rm -f /tmp/x.nft'])).to.deep.equal([
      'sftp put /tmp/x.nft (300 lines, 4000 bytes):',
      ...numbered('  add element ', 50),
      '  … 250 more lines',
      'nft -f /tmp/x.nft',
      'rm -f /tmp/x.nft',
    ]);
  });
});
