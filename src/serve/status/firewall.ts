/**
 * The setting to paste into each firewall that polls an output, as docs/serve.md "Pointing
 * firewalls at it" explains them (the vendors' own references are cited there and below).
 * Secrets are never filled in: placeholders name what goes where, and `note` says which setting
 * holds each one. The user name is not a secret and is the configured one.
 */
import type { ServedOutput } from '../outputs/served-outputs.js';

export interface FirewallSetting {
  firewall: string;
  lines: string[];
  /** Where the placeholders' values are configured. */
  note?: string;
}

/** The access rule an output uses: where it is configured, and its Basic user name if it has one. */
export interface RuleFacts {
  where: string;
  username?: string | undefined;
}

type Builder = (url: string, output: ServedOutput, rule: RuleFacts) => FirewallSetting;

/** The note for an output with Basic credentials. */
function basicNote(rule: RuleFacts): string {
  return `<password>: the password of ${rule.where}.basic`;
}

const BUILDERS: Record<string, Builder> = {
  // pfSense: Firewall > Aliases > URLs, type "URL Table (IPs)" (pfsense/pfsense src/etc/rc.update_urltables).
  // pfSense has no authentication field: the path token is the way in.
  pfsense: (url, output, rule) => ({
    firewall: 'pfSense',
    lines: ['Firewall > Aliases > URLs > Add, Type: URL Table (IPs)', `URL: ${url}`, 'Update frequency: 1 (days)'],
    ...(output.access.pathToken === undefined ? {} : { note: `<token>: the token of ${rule.where}.pathToken` }),
  }),
  // OPNsense: Firewall > Aliases, type "URL Table (IPs)". opnsense/core
  // src/opnsense/scripts/filter/lib/alias/uri.py sends Basic with the username and password
  // fields, and for Bearer puts the password field in "Authorization: Bearer ...".
  opnsense: (url, output, rule) => {
    const { bearer, basic } = output.access;
    const auth =
      bearer !== undefined
        ? ['Authorization: Bearer', 'Password: <token>']
        : basic !== undefined
          ? ['Authorization: Basic', `Username: ${rule.username}`, 'Password: <password>']
          : [];
    const note = bearer !== undefined ? `<token>: the token of ${rule.where}.bearer` : basic !== undefined ? basicNote(rule) : undefined;
    return {
      firewall: 'OPNsense',
      lines: [
        'Firewall > Aliases > Add, Type: URL Table (IPs)',
        `Content: ${url}`,
        'Refresh Frequency: 0 days 1 hours',
        ...auth,
        'Save, then Apply',
      ],
      ...(note === undefined ? {} : { note }),
    };
  },
  // Junos "set security dynamic-address" (Junos 18.4R1+): the path must end in .txt; credentials
  // go in the feed-server URL (as in crowdsec-docs integrations/juniper.mdx).
  'junos-srx-feed': (url, output, rule) => {
    const parsed = new URL(url.replace('<token>', 'TOKEN'));
    const credentials = output.access.basic === undefined ? '' : `${rule.username}:<password>@`;
    const path = parsed.pathname.replace('/t/TOKEN/', '/t/<token>/');
    return {
      firewall: 'Juniper SRX',
      lines: [
        `set security dynamic-address feed-server apiban url ${parsed.protocol}//${credentials}${parsed.host}`,
        `set security dynamic-address feed-server apiban feed-name apiban path ${path}`,
        'set security dynamic-address feed-server apiban feed-name apiban update-interval 300 hold-interval 86400',
        'set security dynamic-address address-name APIBAN-DYN profile feed-name apiban',
      ],
      ...(output.access.basic === undefined ? {} : { note: basicNote(rule) }),
    };
  },
  // Cisco "Custom Lists and Feeds: Requirements": the MD5 URL is required for intervals of 30 minutes or less.
  'cisco-fmc': (url) => ({
    firewall: 'Cisco FMC',
    lines: ['Objects > Security Intelligence > Network Lists and Feeds > Add, Type: Feed', `Feed URL: ${url}`, `MD5 URL: ${url}.md5`],
  }),
  // Palo Alto "Objects > External Dynamic Lists" (Client Authentication: username and password).
  'paloalto-edl': (url, output, rule) => ({
    firewall: 'Palo Alto',
    lines: [
      'Objects > External Dynamic Lists > Add, Type: IP List',
      `Source: ${url}`,
      ...(output.access.basic === undefined ? [] : [`Client Authentication: Username ${rule.username}, Password <password>`]),
      'Repeat: Five Minute',
    ],
    ...(output.access.basic === undefined ? {} : { note: basicNote(rule) }),
  }),
  // FortiGate CLI reference, "config system external-resource" (refresh-rate in minutes).
  fortigate: (url, output, rule) => ({
    firewall: 'FortiGate',
    lines: [
      'config system external-resource',
      '    edit "APIBAN"',
      '        set type address',
      `        set resource "${url}"`,
      ...(output.access.basic === undefined ? [] : [`        set username "${rule.username}"`, '        set password "<password>"']),
      '        set refresh-rate 5',
      '    next',
      'end',
    ],
    ...(output.access.basic === undefined ? {} : { note: basicNote(rule) }),
  }),
};

export function firewallSettings(output: ServedOutput, url: string, rule: RuleFacts): FirewallSetting | undefined {
  return BUILDERS[output.writer.name]?.(url, output, rule);
}
