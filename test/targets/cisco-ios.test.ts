import { expect } from 'chai';
import fc from 'fast-check';
import { parsePrefix } from '../../src/banset/address.js';
import { createBanSet, type BanSet } from '../../src/banset/banset.js';
import { diffBanSets } from '../../src/banset/diff.js';
import { applyPolicy, DEFAULT_POLICY, parseEntries } from '../../src/banset/policy.js';
import { DeviceError } from '../../src/errors.js';
import ciscoIos from '../../targets/cisco-ios.js';
import { PLAN_POOL, replayCiscoPlan } from '../helpers/cisco-group-model.js';
import { readTranscript } from '../helpers/transcripts.js';
import { present } from '../helpers/present.js';

const set = (...entries: string[]) => createBanSet(entries.map(parsePrefix));
const options = (input: object = {}) => ciscoIos.options.parse(input);
const render = (bans: BanSet, input: object = {}) => ciscoIos.render(bans, options(input));
const device = present(ciscoIos.device, 'the cisco-ios device dialect');
const plan = (before: BanSet, after: BanSet, input: object = {}) => device.plan(diffBanSets(before, after), after, options(input));
const SHOW = device.show(options());
const issues = (input: object) => {
  const result = ciscoIos.options.safeParse(input);
  return result.success ? [] : result.error.issues.map((i) => `${i.path.join('.')}: ${i.message}`);
};

const IPV4 = '(?:\\d{1,3}\\.){3}\\d{1,3}';
const NAME = '[A-Za-z][A-Za-z0-9_.-]*';
/** Every statement cisco-ios may write; anything else in the output is a bug or an injection. */
const IOS_LINE = new RegExp(
  `^(?:! APIBAN banned SIP sources \\(apiban-exporter\\); entries=\\d+ v4=\\d+ v6=\\d+|!|object-group (?:network|v6-network) ${NAME}` +
    `| description APIBAN banned SIP sources \\(apiban-exporter\\)| host ${IPV4}| ${IPV4} ${IPV4}| host [0-9a-f:]+| [0-9a-f:]+/\\d{1,3}` +
    `|ip access-list extended ${NAME}|ipv6 access-list ${NAME}| deny (?:ip|ipv6) object-group ${NAME} any| permit (?:ip|ipv6) any any` +
    `|interface [A-Za-z][A-Za-z0-9/.:-]*| ip access-group ${NAME} in| ipv6 traffic-filter ${NAME} in)$`,
);

describe('targets/cisco-ios', () => {
  describe('render', () => {
    it('writes v4 hosts and dotted-mask networks and v6 in prefix notation, in two groups', () => {
      const body = render(set('203.0.113.7', '198.51.100.0/24', '2001:db8:1::/48', '2001:db8::1'), { header: false, description: false });
      expect(body).to.equal(
        [
          'object-group network APIBAN-V4',
          ' 198.51.100.0 255.255.255.0',
          ' host 203.0.113.7',
          '!',
          'object-group v6-network APIBAN-V6',
          ' host 2001:db8::1',
          ' 2001:db8:1::/48',
          '!',
          '',
        ].join('\n'),
      );
    });

    it('keeps a placeholder host in a group that would be empty', () => {
      const body = render(set('192.0.2.10'), { placeholderV6: '2001:db8::dead', header: false, description: false });
      expect(body).to.include('object-group v6-network APIBAN-V6\n host 2001:db8::dead\n');
      expect(render(set())).to.include(' host 192.0.2.255\n').and.include(' host 2001:db8::ffff\n');
    });

    it('writes the ACL and interface snippet only when asked', () => {
      expect(render(set('192.0.2.10'))).not.to.include('access-list');
      const body = render(set('192.0.2.10'), { acl: { interface: 'GigabitEthernet0/0/0' } });
      expect(body).to.include('ip access-list extended APIBAN-IN\n deny ip object-group APIBAN-V4 any\n permit ip any any\n');
      expect(body).to.include('ipv6 access-list APIBAN6-IN\n deny ipv6 object-group APIBAN-V6 any\n');
      expect(body).to.include('interface GigabitEthernet0/0/0\n ip access-group APIBAN-IN in\n ipv6 traffic-filter APIBAN6-IN in\n');
      expect(render(set('192.0.2.10'), { acl: {} }))
        .to.include('ip access-list extended')
        .and.not.include('interface');
    });

    it('writes only valid IOS statements, whatever a hostile feed sent', () => {
      const hostile = ['192.0.2.1\nend', '192.0.2.2 ; reload', '$(reboot)', '192.0.2.5/24', '2001:db8::1%eth0', 'host 1.2.3.4'];
      const { bans } = applyPolicy(parseEntries([...hostile, '203.0.113.9', '198.51.100.0/24', '2001:db8::7'], 'test'), DEFAULT_POLICY);
      for (const body of [render(bans), render(bans, { acl: { interface: 'Gi0/1' } }), render(set())]) {
        for (const line of body.trimEnd().split('\n')) expect(line).to.match(IOS_LINE);
      }
    });
  });

  describe('options', () => {
    it('rejects group names IOS would misread, with a clear message', () => {
      for (const bad of ['APIBAN V4', 'APIBAN\nend', '1APIBAN', 'APIBAN;', '', 'ÄPIBAN']) {
        expect(issues({ groupName: bad })[0]).to.match(/^groupName: .*must start with a letter and use only letters, digits/);
      }
      expect(issues({ groupNameV6: 'A'.repeat(64) })).to.deep.equal(['groupNameV6: IPv6 object-group name is limited to 63 characters']);
      expect(issues({ groupName: 'A'.repeat(63), groupNameV6: 'B.b_1-2' })).to.deep.equal([]);
    });

    it('rejects equal v4 and v6 names, placeholders of the wrong kind and bad interface names', () => {
      expect(issues({ groupName: 'X', groupNameV6: 'X' })[0]).to.match(/^groupNameV6: groupName and groupNameV6 must differ/);
      expect(issues({ placeholderV4: '2001:db8::1' })[0]).to.match(/^placeholderV4: must be a single IPv4 host/);
      expect(issues({ placeholderV4: '192.0.2.0/24' })[0]).to.match(/^placeholderV4: must be a single IPv4 host/);
      expect(issues({ acl: { interface: 'Gi0/1 in\nreload' } })[0]).to.match(/^acl.interface: interface must look like/);
    });
  });

  describe('device dialect', () => {
    it('turns paging off and shows only the managed groups', () => {
      expect(device.prepare).to.deep.equal(['terminal length 0']);
      expect(SHOW).to.equal('show running-config | section ^object-group (network APIBAN-V4|v6-network APIBAN-V6)$');
      expect(device.show(options({ groupName: 'BL4', groupNameV6: 'BL6' }))).to.include('(network BL4|v6-network BL6)$');
    });

    it('matches IOS prompts and error messages', () => {
      for (const prompt of ['edge-rtr01#', 'edge-rtr01>', 'edge-rtr01(config)#', 'edge-rtr01(config-network-group)# ']) {
        expect(prompt).to.match(device.prompt);
      }
      for (const error of ["% Invalid input detected at '^' marker.", '% Incomplete command.', '% Ambiguous command:  "no h"']) {
        expect(device.errors.some((re) => re.test(`edge-rtr01(config)#no hst 1.2.3.4\n${error}\n`))).to.equal(true);
      }
      expect(device.errors.some((re) => re.test('object-group network APIBAN-V4\n host 192.0.2.10\n'))).to.equal(false);
    });

    it('parses the recorded running-config, upper-case IPv6 included', () => {
      const prefixes = device.parse(readTranscript('cisco-ios', SHOW), options(), 'edge-1');
      expect(createBanSet(prefixes).equals(set('192.0.2.10', '198.51.100.0/24', '203.0.113.7', '2001:db8::1', '2001:db8:1::/48'))).to.equal(
        true,
      );
    });

    it('parses a paged transcript (pager leftovers stripped) to the same prefixes', () => {
      const plain = device.parse(readTranscript('cisco-ios', SHOW), options(), 'edge-1');
      expect(device.parse(readTranscript('cisco-ios', SHOW, 'paged'), options(), 'edge-1')).to.deep.equal(plain);
    });

    it('reads missing groups as empty and a placeholder-only device as its placeholders', () => {
      expect(device.parse(readTranscript('cisco-ios', SHOW, 'missing'), options(), 'edge-1')).to.deep.equal([]);
      const held = createBanSet(device.parse(readTranscript('cisco-ios', SHOW, 'placeholder-only'), options(), 'edge-1'));
      expect(held.equals(set('192.0.2.255', '2001:db8::ffff'))).to.equal(true);
    });

    it('refuses a member line it does not write, naming the line', () => {
      expect(() => device.parse(readTranscript('cisco-ios', SHOW, 'range-member'), options(), 'edge-1')).to.throw(
        DeviceError,
        /\[edge-1\] unreadable line in "object-group network APIBAN-V4": " range 192\.0\.2\.20 192\.0\.2\.29"/,
      );
    });
  });

  describe('plan', () => {
    const group4 = 'object-group network APIBAN-V4';
    const group6 = 'object-group v6-network APIBAN-V6';

    it('adds only what is new', () => {
      expect(plan(set('192.0.2.10'), set('192.0.2.10', '198.51.100.0/24'))).to.deep.equal({
        apply: ['configure terminal', group4, '198.51.100.0 255.255.255.0', 'exit', 'end'],
        commit: [],
        abort: ['end'],
      });
    });

    it('removes only what is gone', () => {
      expect(plan(set('192.0.2.10', '2001:db8::1', '2001:db8::2'), set('192.0.2.10', '2001:db8::1')).apply).to.deep.equal([
        'configure terminal',
        group6,
        'no host 2001:db8::2',
        'exit',
        'end',
      ]);
    });

    it('adds before it removes, group by group, and saves when asked', () => {
      const result = plan(set('192.0.2.10', '2001:db8::1'), set('203.0.113.7', '2001:db8:1::/48'), { writeMemory: true });
      expect(result.apply).to.deep.equal([
        'configure terminal',
        group4,
        'host 203.0.113.7',
        'no host 192.0.2.10',
        'exit',
        group6,
        '2001:db8:1::/48',
        'no host 2001:db8::1',
        'exit',
        'end',
      ]);
      expect(result.commit).to.deep.equal(['write memory']);
    });

    it('keeps a placeholder when the list goes to empty', () => {
      expect(plan(set('192.0.2.10', '2001:db8::1'), set()).apply).to.deep.equal([
        'configure terminal',
        group4,
        'host 192.0.2.255',
        'no host 192.0.2.10',
        'exit',
        group6,
        'host 2001:db8::ffff',
        'no host 2001:db8::1',
        'exit',
        'end',
      ]);
    });

    it('replaces the placeholder when a list comes back from empty, and leaves an empty device alone', () => {
      expect(plan(set('192.0.2.255'), set('192.0.2.10')).apply).to.deep.equal([
        'configure terminal',
        group4,
        'host 192.0.2.10',
        'no host 192.0.2.255',
        'exit',
        'end',
      ]);
      expect(plan(set(), set('2001:db8::1')).apply).to.deep.equal(['configure terminal', group6, 'host 2001:db8::1', 'exit', 'end']);
      expect(plan(set(), set())).to.deep.equal({ apply: [], commit: [], abort: [] });
      expect(plan(set('192.0.2.255'), set())).to.deep.equal({ apply: [], commit: [], abort: [] });
    });

    it('grows with the change, not with the list', () => {
      const big = createBanSet(Array.from({ length: 5000 }, (_, i) => ({ family: 4 as const, network: 0x0b000000 + i * 4, length: 32 })));
      const result = plan(big, createBanSet([...big.toArray().slice(1), parsePrefix('203.0.113.7')]));
      expect(result.apply).to.have.length(6);
    });

    it('takes any device state to any wanted set without ever emptying a group (property)', () => {
      const headers: [string, string] = [group4, group6];
      fc.assert(
        fc.property(fc.subarray(PLAN_POOL), fc.subarray(PLAN_POOL), (a, b) => {
          const { actual, expected } = replayCiscoPlan(ciscoIos, options(), headers, '', createBanSet(a), createBanSet(b));
          expect(actual).to.deep.equal(expected);
        }),
        { numRuns: 300 },
      );
    });
  });
});
