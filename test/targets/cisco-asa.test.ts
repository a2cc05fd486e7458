import { expect } from 'chai';
import fc from 'fast-check';
import { parsePrefix } from '../../src/banset/address.js';
import { createBanSet, type BanSet } from '../../src/banset/banset.js';
import { diffBanSets } from '../../src/banset/diff.js';
import { applyPolicy, DEFAULT_POLICY, parseEntries } from '../../src/banset/policy.js';
import { DeviceError } from '../../src/errors.js';
import ciscoAsa from '../../targets/cisco-asa.js';
import { PLAN_POOL, replayCiscoPlan } from '../helpers/cisco-group-model.js';
import { readTranscript } from '../helpers/transcripts.js';
import { present } from '../helpers/present.js';

const set = (...entries: string[]) => createBanSet(entries.map(parsePrefix));
const options = (input: object = {}) => ciscoAsa.options.parse(input);
const device = present(ciscoAsa.device, 'the cisco-asa device dialect');
const plan = (before: BanSet, after: BanSet, input: object = {}) => device.plan(diffBanSets(before, after), after, options(input));
const SHOW = device.show(options());
const parseVariant = (variant?: string) => createBanSet(device.parse(readTranscript('cisco-asa', SHOW, variant), options(), 'edge-1'));
const firstIssue = (input: object) => {
  const result = ciscoAsa.options.safeParse(input);
  return result.success ? undefined : `${result.error.issues[0].path.join('.')}: ${result.error.issues[0].message}`;
};

const IPV4 = '(?:\\d{1,3}\\.){3}\\d{1,3}';
const ASA_LINE = new RegExp(
  '^(?:! APIBAN banned SIP sources \\(apiban-exporter\\); entries=\\d+ v4=\\d+ v6=\\d+' +
    '|object-group network [A-Za-z][A-Za-z0-9_.-]*| description APIBAN banned SIP sources \\(apiban-exporter\\)' +
    `| network-object host ${IPV4}| network-object ${IPV4} ${IPV4}| network-object host [0-9a-f:]+| network-object [0-9a-f:]+/\\d{1,3})$`,
);

describe('targets/cisco-asa', () => {
  it('renders network-object lines: host and dotted mask for v4, prefix notation for v6', () => {
    const body = ciscoAsa.render(set('198.51.100.0/24', '203.0.113.7', '2001:db8::1', '2001:db8:1::/48'), options({ header: false }));
    expect(body).to.equal(
      [
        'object-group network APIBAN-V4',
        ' description APIBAN banned SIP sources (apiban-exporter)',
        ' network-object 198.51.100.0 255.255.255.0',
        ' network-object host 203.0.113.7',
        'object-group network APIBAN-V6',
        ' description APIBAN banned SIP sources (apiban-exporter)',
        ' network-object host 2001:db8::1',
        ' network-object 2001:db8:1::/48',
        '',
      ].join('\n'),
    );
  });

  it('keeps a placeholder in an empty group and writes only valid ASA statements from hostile input', () => {
    expect(ciscoAsa.render(set(), options({ placeholderV4: '198.51.100.254' }))).to.include(' network-object host 198.51.100.254\n');
    const { bans } = applyPolicy(
      parseEntries(['192.0.2.1 ; write erase', '`id`', '203.0.113.9', '2001:db8::/32', '192.0.2.9/24'], 'test'),
      DEFAULT_POLICY,
    );
    for (const body of [ciscoAsa.render(bans, options()), ciscoAsa.render(set(), options())]) {
      for (const line of body.trimEnd().split('\n')) expect(line).to.match(ASA_LINE);
    }
  });

  it('enforces ASA object names: 64 characters, letters, digits, "_", "-", "."', () => {
    expect(firstIssue({ groupName: 'A'.repeat(64) })).to.equal(undefined);
    expect(firstIssue({ groupName: 'A'.repeat(65) })).to.equal('groupName: IPv4 object-group network name is limited to 64 characters');
    expect(firstIssue({ groupName: 'APIBAN V4' })).to.match(/^groupName: .*only letters, digits, "_", "-" or "\."$/);
    expect(firstIssue({ groupNameV6: 'bad{name}' })).to.match(/^groupNameV6: /);
    expect(firstIssue({ groupNameV6: 'APIBAN-V4' })).to.match(/^groupNameV6: groupName and groupNameV6 must differ/);
  });

  describe('device dialect', () => {
    it('turns the pager off, shows the network groups and knows ASA errors', () => {
      expect(device.prepare).to.deep.equal(['terminal pager 0']);
      expect(SHOW).to.equal('show running-config object-group network');
      expect('fw01/pri/act(config-network-object-group)# ').to.match(device.prompt);
      expect(device.errors.some((re) => re.test('ERROR: network-object 192.0.2.0 255.255.255.0 not found\n'))).to.equal(true);
      expect(device.errors.some((re) => re.test("                ^\nERROR: % Invalid input detected at '^' marker.\n"))).to.equal(true);
    });

    it('parses only the managed groups, with or without pager leftovers', () => {
      const expected = set('192.0.2.10', '198.51.100.0/24', '2001:db8::1', '2001:db8:1::/48');
      expect(parseVariant().equals(expected)).to.equal(true);
      expect(parseVariant('paged').equals(expected)).to.equal(true);
      expect(parseVariant('missing').size).to.equal(0);
    });

    it('refuses a member of the wrong family or a non-contiguous mask, naming the line', () => {
      expect(() => parseVariant('wrong-family')).to.throw(
        DeviceError,
        /" network-object host 2001:db8::5" \(an IPv6 member in an IPv4 group\)/,
      );
      expect(() => parseVariant('bad-mask')).to.throw(
        DeviceError,
        /" network-object 198\.51\.100\.0 255\.0\.255\.0" \(not a contiguous netmask\)/,
      );
    });

    it('plans network-object adds before removes and keeps a placeholder', () => {
      expect(plan(set('192.0.2.10'), set('198.51.100.0/24')).apply).to.deep.equal([
        'configure terminal',
        'object-group network APIBAN-V4',
        'network-object 198.51.100.0 255.255.255.0',
        'no network-object host 192.0.2.10',
        'exit',
        'end',
      ]);
      expect(plan(set('2001:db8::1'), set()).apply).to.deep.equal([
        'configure terminal',
        'object-group network APIBAN-V6',
        'network-object host 2001:db8::ffff',
        'no network-object host 2001:db8::1',
        'exit',
        'end',
      ]);
      expect(plan(set('2001:db8::1'), set('2001:db8::1'))).to.deep.equal({ apply: [], commit: [], abort: [] });
    });

    it('takes any device state to any wanted set without ever emptying a group (property)', () => {
      const headers: [string, string] = ['object-group network APIBAN-V4', 'object-group network APIBAN-V6'];
      fc.assert(
        fc.property(fc.subarray(PLAN_POOL), fc.subarray(PLAN_POOL), (a, b) => {
          const { actual, expected } = replayCiscoPlan(ciscoAsa, options(), headers, 'network-object ', createBanSet(a), createBanSet(b));
          expect(actual).to.deep.equal(expected);
        }),
        { numRuns: 300 },
      );
    });
  });
});
