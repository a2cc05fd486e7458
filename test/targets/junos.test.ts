import { expect } from 'chai';
import fc from 'fast-check';
import { formatPrefix, parsePrefix } from '../../src/banset/address.js';
import { createBanSet, type BanSet } from '../../src/banset/banset.js';
import { diffBanSets } from '../../src/banset/diff.js';
import { applyPolicy, DEFAULT_POLICY, parseEntries } from '../../src/banset/policy.js';
import { DeviceError } from '../../src/errors.js';
import junos from '../../targets/junos.js';
import { PLAN_POOL } from '../helpers/cisco-group-model.js';
import { readTranscript } from '../helpers/transcripts.js';
import { present } from '../helpers/present.js';

const set = (...entries: string[]) => createBanSet(entries.map(parsePrefix));
const options = (input: object = {}) => junos.options.parse(input);
const device = present(junos.device, 'the junos device dialect');
const plan = (before: BanSet, after: BanSet, input: object = {}) => device.plan(diffBanSets(before, after), after, options(input));
const SHOW = device.show(options());
const parseVariant = (variant?: string) => createBanSet(device.parse(readTranscript('junos', SHOW, variant), options(), 'edge-1'));
const firstIssue = (input: object) => {
  const result = junos.options.safeParse(input);
  return result.success ? undefined : `${result.error.issues[0].path.join('.')}: ${result.error.issues[0].message}`;
};
const COMMIT = ['commit check', 'commit confirmed 5', 'commit', 'exit'];
const ABORT = ['rollback 0', 'exit configuration-mode'];

const PREFIX = '(?:(?:\\d{1,3}\\.){3}\\d{1,3}/\\d{1,2}|[0-9a-f:]+/\\d{1,3})';
const JUNOS_LINE = new RegExp(
  '^(?:# APIBAN banned SIP sources \\(apiban-exporter\\); entries=\\d+ v4=\\d+ v6=\\d+|policy-options \\{|\\}|    \\}' +
    `|    replace:|    prefix-list [A-Za-z0-9][A-Za-z0-9_.-]* \\{|        ${PREFIX};` +
    `|delete policy-options prefix-list [A-Za-z0-9][A-Za-z0-9_.-]*|set policy-options prefix-list [A-Za-z0-9][A-Za-z0-9_.-]* ${PREFIX})$`,
);

/** A Junos candidate of prefix-lists: set/delete land in the candidate, commit makes it active. */
function replay(before: BanSet, after: BanSet): string[] {
  const lists = new Map<string, Set<string>>([
    ['APIBAN', new Set()],
    ['APIBAN6', new Set()],
  ]);
  for (const p of before.prefixes()) present(lists.get(p.family === 4 ? 'APIBAN' : 'APIBAN6'), 'the list').add(formatPrefix(p, true));
  const result = plan(before, after);
  for (const line of result.apply) {
    const words = line.split(' ');
    if (words[0] === 'set') present(lists.get(words[3]), `list ${words[3]}`).add(words[4]);
    else if (words[0] === 'delete')
      expect(present(lists.get(words[3]), `list ${words[3]}`).delete(words[4]), `statement not found: ${line}`).to.equal(true);
    else expect(['configure exclusive', 'show | compare']).to.include(line);
  }
  const display = [...lists].flatMap(([name, members]) => [...members].map((m) => `set policy-options prefix-list ${name} ${m}`));
  return createBanSet(device.parse(display.join('\n'), options(), 'edge-1'))
    .toArray()
    .map((p) => formatPrefix(p));
}

describe('targets/junos', () => {
  describe('render', () => {
    it('writes one replace: prefix-list per family with /32 and /128 always', () => {
      expect(junos.render(set('192.0.2.10', '198.51.100.0/24', '2001:db8::1'), options({ header: false }))).to.equal(
        [
          'policy-options {',
          '    replace:',
          '    prefix-list APIBAN {',
          '        192.0.2.10/32;',
          '        198.51.100.0/24;',
          '    }',
          '    replace:',
          '    prefix-list APIBAN6 {',
          '        2001:db8::1/128;',
          '    }',
          '}',
          '',
        ].join('\n'),
      );
    });

    it('writes delete + set lines in the set format, a placeholder for an empty family', () => {
      expect(junos.render(set('192.0.2.10'), options({ header: false, format: 'set', listName: 'BL4', listNameV6: 'BL6' }))).to.equal(
        [
          'delete policy-options prefix-list BL4',
          'set policy-options prefix-list BL4 192.0.2.10/32',
          'delete policy-options prefix-list BL6',
          'set policy-options prefix-list BL6 2001:db8::ffff/128',
          '',
        ].join('\n'),
      );
    });

    it('writes only valid Junos statements, whatever a hostile feed sent', () => {
      const { bans } = applyPolicy(
        parseEntries(['192.0.2.1; }', 'delete system', '203.0.113.9', '2001:db8::/32', '1.2.3.4/24'], 'test'),
        DEFAULT_POLICY,
      );
      for (const format of ['replace', 'set']) {
        for (const body of [junos.render(bans, options({ format })), junos.render(set(), options({ format }))]) {
          for (const line of body.trimEnd().split('\n')) expect(line).to.match(JUNOS_LINE);
        }
      }
    });
  });

  describe('options', () => {
    it('rejects bad list names and equal names with a clear message', () => {
      expect(firstIssue({ listName: 'APIBAN { }' })).to.match(/^listName: IPv4 prefix-list name must start with a letter or digit/);
      expect(firstIssue({ listName: '-APIBAN' })).to.match(/^listName: /);
      expect(firstIssue({ listNameV6: 'A'.repeat(64) })).to.equal('listNameV6: IPv6 prefix-list name is limited to 63 characters');
      expect(firstIssue({ listNameV6: 'APIBAN' })).to.equal('listNameV6: listName and listNameV6 must differ');
    });

    it('refuses commit confirmed in configure private mode, which Junos does not allow', () => {
      expect(firstIssue({ configureMode: 'private' })).to.match(
        /^configureMode: Junos refuses `commit confirmed` in `configure private` mode/,
      );
      expect(firstIssue({ configureMode: 'private', commitConfirmedMinutes: 0 })).to.equal(undefined);
      expect(firstIssue({ commitConfirmedMinutes: -1 })).to.match(/^commitConfirmedMinutes: /);
    });
  });

  describe('device dialect', () => {
    it('turns paging off, shows the managed lists and knows Junos errors', () => {
      expect(device.prepare).to.deep.equal(['set cli screen-length 0', 'set cli screen-width 0']);
      expect(SHOW).to.equal('show configuration policy-options | display set | match "prefix-list (APIBAN|APIBAN6) "');
      expect(device.show(options({ listName: 'bl.v4', listNameV6: 'bl.v6' }))).to.include('(bl\\.v4|bl\\.v6) ');
      for (const prompt of ['netops@srx-edge> ', 'netops@srx-edge# ']) expect(prompt).to.match(device.prompt);
      for (const error of [
        'error: configuration check-out failed',
        'syntax error, expecting <command>.',
        'error: commit failed: (statements constraint check failed)',
        'error: configuration database locked by:',
      ]) {
        expect(
          device.errors.some((re) => re.test(`[edit]\n${error}\n`)),
          error,
        ).to.equal(true);
      }
      expect(device.errors.some((re) => re.test('[edit]\n+    192.0.2.10/32;\ncommit complete\n'))).to.equal(false);
    });

    it('parses the recorded display-set output, paged or not', () => {
      const expected = set('192.0.2.10', '198.51.100.0/24', '203.0.113.7', '2001:db8::1', '2001:db8:1::/48');
      expect(parseVariant().equals(expected)).to.equal(true);
      expect(parseVariant('paged').equals(expected)).to.equal(true);
      expect(parseVariant('missing').size).to.equal(0);
      expect(parseVariant('empty-list').equals(set('2001:db8::1'))).to.equal(true);
    });

    it('refuses statements on a managed list it does not write, naming the line', () => {
      expect(() => parseVariant('deactivated')).to.throw(
        DeviceError,
        /\[edge-1\] unreadable line for prefix-list APIBAN: "deactivate policy-options/,
      );
      expect(() => parseVariant('apply-path')).to.throw(DeviceError, /apply-path/);
      expect(() => device.parse('set policy-options prefix-list APIBAN 2001:db8::1/128\n', options(), 'edge-1')).to.throw(
        DeviceError,
        /IPv6 prefix in the IPv4 list/,
      );
    });
  });

  describe('plan', () => {
    it('sends only the difference in one candidate, then checks and commits with confirmation', () => {
      expect(plan(set('192.0.2.10', '2001:db8::1'), set('192.0.2.10', '198.51.100.0/24', '2001:db8::2'))).to.deep.equal({
        apply: [
          'configure exclusive',
          'set policy-options prefix-list APIBAN 198.51.100.0/24',
          'set policy-options prefix-list APIBAN6 2001:db8::2/128',
          'delete policy-options prefix-list APIBAN6 2001:db8::1/128',
          'show | compare',
        ],
        commit: COMMIT,
        abort: ABORT,
      });
    });

    it('adds only, or removes only', () => {
      expect(plan(set(), set('192.0.2.10')).apply).to.deep.equal([
        'configure exclusive',
        'set policy-options prefix-list APIBAN 192.0.2.10/32',
        'show | compare',
      ]);
      expect(plan(set('192.0.2.10', '192.0.2.11'), set('192.0.2.11')).apply).to.deep.equal([
        'configure exclusive',
        'delete policy-options prefix-list APIBAN 192.0.2.10/32',
        'show | compare',
      ]);
    });

    it('keeps a placeholder when going to empty and drops it when coming back', () => {
      expect(plan(set('192.0.2.10'), set()).apply).to.deep.equal([
        'configure exclusive',
        'set policy-options prefix-list APIBAN 192.0.2.255/32',
        'delete policy-options prefix-list APIBAN 192.0.2.10/32',
        'show | compare',
      ]);
      expect(plan(set('192.0.2.255'), set('192.0.2.10')).apply).to.deep.equal([
        'configure exclusive',
        'set policy-options prefix-list APIBAN 192.0.2.10/32',
        'delete policy-options prefix-list APIBAN 192.0.2.255/32',
        'show | compare',
      ]);
    });

    it('sends nothing when the device already matches; private mode commits without confirmation', () => {
      expect(plan(set('192.0.2.10'), set('192.0.2.10'))).to.deep.equal({ apply: [], commit: [], abort: [] });
      const result = plan(set(), set('192.0.2.10'), { configureMode: 'private', commitConfirmedMinutes: 0 });
      expect(result.apply[0]).to.equal('configure private');
      expect(result.commit).to.deep.equal(['commit check', 'commit', 'exit']);
    });

    it('takes any device state to any wanted set in one candidate (property)', () => {
      fc.assert(
        fc.property(fc.subarray(PLAN_POOL), fc.subarray(PLAN_POOL), (a, b) => {
          const before = createBanSet(a);
          const after = createBanSet(b);
          const expected: string[] = [];
          for (const [family, placeholder] of [
            ['v4', '192.0.2.255'],
            ['v6', '2001:db8::ffff'],
          ] as const) {
            if (after.counts()[family] > 0) expected.push(...after.toArray(family).map((p) => formatPrefix(p)));
            else if (before.counts()[family] > 0) expected.push(placeholder);
          }
          expect(replay(before, after)).to.deep.equal(
            createBanSet(expected.map(parsePrefix))
              .toArray()
              .map((p) => formatPrefix(p)),
          );
        }),
        { numRuns: 300 },
      );
    });
  });
});
