import { expect } from 'chai';
import opnsenseAliasJson, { toFractionalDays } from '../../targets/opnsense-alias-json.js';
import { hostileBans, MIXED, optionProblems, render, set } from '../helpers/writer-check.js';

const URL_OPTION = { url: 'https://exporter.example.net/f/3b9c1e/opnsense.txt' };
type ImportBody = { data: { aliases: { alias: Record<string, Record<string, string>> } } };

describe('targets/opnsense-alias-json', () => {
  it('writes the import body: one urltable alias keyed by its name', () => {
    const body = render(opnsenseAliasJson, set(...MIXED), URL_OPTION);
    expect(body.endsWith('}\n')).to.equal(true);
    const parsed = JSON.parse(body) as ImportBody;
    expect(parsed).to.deep.equal({
      data: {
        aliases: {
          alias: {
            APIBAN_SIP: {
              enabled: '1',
              name: 'APIBAN_SIP',
              type: 'urltable',
              content: URL_OPTION.url,
              updatefreq: '0.0416667',
              description: 'APIBAN SIP attackers (managed by apiban-exporter)',
              authtype: '',
              username: '',
              password: '',
            },
          },
        },
      },
    });
    for (const entry of MIXED) expect(body).not.to.include(entry);
  });

  it('converts the refresh interval to fractional days', () => {
    expect([60_000, 3_600_000, 5_400_000, 86_400_000, 2.5 * 86_400_000].map(toFractionalDays)).to.deep.equal([
      '0.0006944',
      '0.0416667',
      '0.0625',
      '1',
      '2.5',
    ]);
    const alias = (updatefreq: unknown) =>
      (JSON.parse(render(opnsenseAliasJson, set(), { ...URL_OPTION, updatefreq })) as ImportBody).data.aliases.alias.APIBAN_SIP;
    expect(alias('1d').updatefreq).to.equal('1');
    expect(alias('90m').updatefreq).to.equal('0.0625');
    expect(alias(7200).updatefreq).to.equal('0.0833333');
    expect(optionProblems(opnsenseAliasJson, { ...URL_OPTION, updatefreq: '30s' })).to.include(
      'updatefreq: updatefreq must be at least 1m',
    );
    expect(optionProblems(opnsenseAliasJson, { ...URL_OPTION, updatefreq: 'daily' })).to.include('is not a duration');
  });

  it('writes Basic and Bearer credentials and refuses incomplete ones', () => {
    const bearer = JSON.parse(
      render(opnsenseAliasJson, set(), { ...URL_OPTION, authtype: 'Bearer', password: 'feed-token' }),
    ) as ImportBody;
    expect(bearer.data.aliases.alias.APIBAN_SIP).to.include({ authtype: 'Bearer', username: '', password: 'feed-token' });
    const basic = JSON.parse(
      render(opnsenseAliasJson, set(), { ...URL_OPTION, authtype: 'Basic', username: 'fw', password: 's3cret' }),
    ) as ImportBody;
    expect(basic.data.aliases.alias.APIBAN_SIP).to.include({ authtype: 'Basic', username: 'fw', password: 's3cret' });
    expect(optionProblems(opnsenseAliasJson, { ...URL_OPTION, authtype: 'Bearer' })).to.include('password: password is required');
    expect(optionProblems(opnsenseAliasJson, { ...URL_OPTION, authtype: 'Basic', password: 'x' })).to.include(
      'username: username is required',
    );
    expect(optionProblems(opnsenseAliasJson, { ...URL_OPTION, password: 'x' })).to.include('not allowed with none');
    expect(optionProblems(opnsenseAliasJson, { ...URL_OPTION, authtype: 'Header' })).to.include('authtype');
  });

  it('enforces OPNsense alias name rules', () => {
    for (const name of ['APIBAN_SIP', 'a', '_a', 'a_', 'x'.repeat(31)]) {
      expect(opnsenseAliasJson.options.safeParse({ ...URL_OPTION, name }).success, name).to.equal(true);
    }
    expect(optionProblems(opnsenseAliasJson, { ...URL_OPTION, name: '1abc' })).to.include(
      'name: alias name must start with a letter or "_"',
    );
    expect(optionProblems(opnsenseAliasJson, { ...URL_OPTION, name: 'x'.repeat(32) })).to.include('up to 31');
    expect(optionProblems(opnsenseAliasJson, { ...URL_OPTION, name: '__a' })).to.include('must not be "_" or start with "__"');
    expect(optionProblems(opnsenseAliasJson, { ...URL_OPTION, name: '_' })).to.include('"_"');
    expect(optionProblems(opnsenseAliasJson, { ...URL_OPTION, name: 'table' })).to.include('pf keyword, protocol or service name');
    expect(optionProblems(opnsenseAliasJson, { ...URL_OPTION, name: 'SIP' })).to.include('service name');
  });

  it('needs an http(s) URL and keeps JSON-breaking text out of the description', () => {
    expect(optionProblems(opnsenseAliasJson, {})).to.include('url');
    expect(optionProblems(opnsenseAliasJson, { url: 'https://x/"}' })).to.include('url: url must be');
    const quoted = JSON.parse(render(opnsenseAliasJson, set(), { ...URL_OPTION, description: 'APIBAN "SIP" \'feed\'' })) as ImportBody;
    expect(quoted.data.aliases.alias.APIBAN_SIP.description).to.equal('APIBAN "SIP" \'feed\'');
    expect(optionProblems(opnsenseAliasJson, { ...URL_OPTION, description: 'a\u0000b' })).to.include('description');
  });

  it('never lets feed content into the body', () => {
    expect(render(opnsenseAliasJson, hostileBans(), URL_OPTION)).not.to.match(/reboot|reload|eth0|203\.0\.113\.9/);
  });
});
