/**
 * The firewall settings on the status page use the configured user name, never a secret, and
 * say where each placeholder's value is configured; OPNsense's names every field it needs.
 */
import { expect } from 'chai';
import type { Runtime } from '../../src/runtime/runtime.js';
import { ScriptedRunner, bansOf, fetchRaw, startTestDaemon } from './support.js';

const SECRETS = { basic: 'basic-pw-91c2', bearer: 'bearer-tok-7d1e9a3c', token: 'path-tok-44aa7e01b2', shared: 'shared-pw-0b3f' };

describe('serve: firewall settings on the status page', () => {
  let daemon: Runtime;
  // biome-ignore lint/suspicious/noExplicitAny: status.json walked by path; a wrong path fails the test
  let outputs: Record<string, any>;
  let html: string;

  before(async () => {
    let base: string;
    ({ daemon, base } = await startTestDaemon(new ScriptedRunner(bansOf('192.0.2.1')), {
      outputs: [
        { name: 'pfsense', target: 'pfsense' },
        { name: 'opn-bearer', target: 'opnsense' },
        { name: 'opn-basic', target: 'opnsense' },
        { name: 'srx', target: 'junos-srx-feed' },
        { name: 'edl', target: 'paloalto-edl' },
        { name: 'forti', target: 'fortigate' },
      ],
      serve: {
        access: { basic: { username: 'feed-reader', password: SECRETS.shared } },
        outputAccess: {
          pfsense: { pathToken: { token: SECRETS.token } },
          'opn-bearer': { bearer: { token: SECRETS.bearer } },
          'opn-basic': { basic: { username: 'opn-user', password: SECRETS.basic } },
        },
      },
    }));
    await daemon.syncNow();
    const json = JSON.parse((await fetchRaw(`${base}/status.json`)).body.toString());
    outputs = Object.fromEntries(json.outputs.map((o: { name: string }) => [o.name, o]));
    html = (await fetchRaw(`${base}/`)).body.toString();
  });
  after(() => daemon.shutdown());

  it('gives FortiGate, SRX and Palo Alto the user of the rule they use', () => {
    expect(outputs.forti.firewall.lines).to.include('        set username "feed-reader"').and.include('        set password "<password>"');
    expect(outputs.forti.firewall.note).to.equal('<password>: the password of serve.access.basic');
    expect(outputs.srx.firewall.lines[0]).to.match(
      /^set security dynamic-address feed-server apiban url http:\/\/feed-reader:<password>@127\.0\.0\.1:\d+$/,
    );
    expect(outputs.edl.firewall.lines).to.include('Client Authentication: Username feed-reader, Password <password>');
  });

  it('completes the OPNsense hint for Bearer and for Basic', () => {
    expect(outputs['opn-bearer'].firewall.lines.slice(2)).to.deep.equal([
      'Refresh Frequency: 0 days 1 hours',
      'Authorization: Bearer',
      'Password: <token>',
      'Save, then Apply',
    ]);
    expect(outputs['opn-bearer'].firewall.note).to.equal('<token>: the token of serve.outputAccess.opn-bearer.bearer');
    expect(outputs['opn-basic'].firewall.lines).to.include.members(['Authorization: Basic', 'Username: opn-user', 'Password: <password>']);
    expect(outputs['opn-basic'].firewall.note).to.equal('<password>: the password of serve.outputAccess.opn-basic.basic');
    expect(outputs.pfsense.firewall.note).to.equal('<token>: the token of serve.outputAccess.pfsense.pathToken');
  });

  it('shows no secret, only placeholders', () => {
    for (const secret of Object.values(SECRETS)) {
      expect(html).not.to.include(secret);
      expect(JSON.stringify(outputs)).not.to.include(secret);
    }
  });
});
