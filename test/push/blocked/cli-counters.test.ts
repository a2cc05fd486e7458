/**
 * The Cisco and Junos counter parsers against device output in fixtures/devices/. The files
 * follow the formats the vendors document (cited in src/push/blocked/cisco.ts, junos.ts, pf.ts):
 * ASA `show access-list` with hitcnt per ACE and its indented expansion, IOS `show ip
 * access-lists` with "(N matches)", Junos `show firewall filter F counter C`.
 */
import { expect } from 'chai';
import { readFileSync } from 'node:fs';
import { parseAsaHitCounts, parseIosMatches } from '../../../src/push/blocked/cisco.js';
import { parseJunosFilterCounter } from '../../../src/push/blocked/junos.js';
import { parsePfTableCounters } from '../../../src/push/blocked/pf.js';
import { fixture } from '../../helpers/paths.js';

const read = (...parts: string[]) => readFileSync(fixture('devices', ...parts), 'utf8');

describe('push/blocked: Cisco and Junos', () => {
  it('ASA: the hit count of the entry that references the group, not its expansion twice', () => {
    const text = read('cisco-asa', 'show-access-list-outside-in.txt');
    expect(parseAsaHitCounts(text, 'OUTSIDE-IN', 'APIBAN-V4')).to.deep.equal({ packets: 1523 });
    expect(parseAsaHitCounts(text, 'OUTSIDE-IN', 'APIBAN-V6')).to.deep.equal({ packets: 7 });
    expect(parseAsaHitCounts(text, 'OTHER-ACL', 'APIBAN-V4')).to.equal(undefined);
    expect(parseAsaHitCounts(text, 'OUTSIDE-IN', 'APIBAN')).to.equal(undefined);
  });

  it('IOS: "(N matches)", and an entry that never matched counts zero', () => {
    const text = read('cisco-ios', 'show-ip-access-lists-apiban-in.txt');
    expect(parseIosMatches(text, 'APIBAN-V4')).to.deep.equal({ packets: 412 });
    expect(parseIosMatches('Extended IP access list X\n    10 deny ip object-group APIBAN-V4 any\n', 'APIBAN-V4')).to.deep.equal({
      packets: 0,
    });
    expect(parseIosMatches(text, 'APIBAN-V6')).to.equal(undefined);
  });

  it('Junos: the named counter of the named filter, bytes and packets', () => {
    const text = read('junos', 'show-firewall-filter-apiban-counter.txt');
    expect(parseJunosFilterCounter(text, 'APIBAN-IN', 'apiban-dropped')).to.deep.equal({ packets: 2860, bytes: 183040 });
    expect(parseJunosFilterCounter(text, 'OTHER', 'apiban-dropped')).to.equal(undefined);
    expect(parseJunosFilterCounter(text, 'APIBAN-IN', 'missing')).to.equal(undefined);
  });

  it('pf: In/Block + Out/Block of the named table, not of another table or the same name in an anchor', () => {
    const text = read('pf', 'pfctl-vv-s-tables.txt');
    expect(parsePfTableCounters(text, 'APIBAN_SIP')).to.deep.equal({ all: { packets: 61, bytes: 3660 } });
    expect(parsePfTableCounters(text, 'bogons')).to.deep.equal({ all: { packets: 1883, bytes: 120512 } });
    expect(parsePfTableCounters(text, 'missing')).to.equal(undefined);
    expect(parsePfTableCounters('', 'APIBAN_SIP')).to.equal(undefined);
  });
});
