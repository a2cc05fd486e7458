/**
 * The setting to paste into each firewall that polls an output, as docs/serve.md "Pointing
 * firewalls at it" explains them (the vendors' own references are cited there and below).
 * Credentials are never filled in: placeholders name what goes where.
 */
import type { ServedOutput } from './outputs.js';

export interface FirewallSetting {
  firewall: string;
  lines: string[];
}

type Builder = (url: string, output: ServedOutput) => FirewallSetting;

const BUILDERS: Record<string, Builder> = {
  // pfSense: Firewall > Aliases > URLs, type "URL Table (IPs)" (pfsense/pfsense src/etc/rc.update_urltables).
  pfsense: (url) => ({
    firewall: 'pfSense',
    lines: ['Firewall > Aliases > URLs > Add, Type: URL Table (IPs)', `URL: ${url}`, 'Update frequency: 1 (days)'],
  }),
  // OPNsense: Firewall > Aliases, type "URL Table (IPs)" (opnsense/core src/opnsense/scripts/filter/lib/alias/uri.py).
  opnsense: (url, output) => ({
    firewall: 'OPNsense',
    lines: [
      'Firewall > Aliases > Add, Type: URL Table (IPs)',
      `Content: ${url}`,
      'Refresh Frequency: 0 days 1 hour',
      ...(output.access.bearer !== undefined ? ['Authorization: Bearer <token of serve.outputAccess>'] : []),
    ],
  }),
  // Junos "set security dynamic-address" (Junos 18.4R1+): the path must end in .txt.
  'junos-srx-feed': (url) => {
    const parsed = new URL(url.replace('<token>', 'TOKEN'));
    const origin = `${parsed.protocol}//firewall:PASSWORD@${parsed.host}`;
    const path = parsed.pathname.replace('/t/TOKEN/', '/t/<token>/');
    return {
      firewall: 'Juniper SRX',
      lines: [
        `set security dynamic-address feed-server apiban url ${origin}`,
        `set security dynamic-address feed-server apiban feed-name apiban path ${path}`,
        'set security dynamic-address feed-server apiban feed-name apiban update-interval 300 hold-interval 86400',
        'set security dynamic-address address-name APIBAN-DYN profile feed-name apiban',
      ],
    };
  },
  // Cisco "Custom Lists and Feeds: Requirements": the MD5 URL is required for intervals of 30 minutes or less.
  'cisco-fmc': (url) => ({
    firewall: 'Cisco FMC',
    lines: ['Objects > Security Intelligence > Network Lists and Feeds > Add, Type: Feed', `Feed URL: ${url}`, `MD5 URL: ${url}.md5`],
  }),
  // Palo Alto "Objects > External Dynamic Lists".
  'paloalto-edl': (url) => ({
    firewall: 'Palo Alto',
    lines: ['Objects > External Dynamic Lists > Add, Type: IP List', `Source: ${url}`, 'Repeat: Five Minute'],
  }),
  // FortiGate CLI reference, "config system external-resource" (refresh-rate in minutes).
  fortigate: (url, output) => ({
    firewall: 'FortiGate',
    lines: [
      'config system external-resource',
      '    edit "APIBAN"',
      '        set type address',
      `        set resource "${url}"`,
      ...(output.access.basic !== undefined ? ['        set username "<user>"', '        set password <password>'] : []),
      '        set refresh-rate 5',
      '    next',
      'end',
    ],
  }),
};

export function firewallSettings(output: ServedOutput, url: string): FirewallSetting | undefined {
  return BUILDERS[output.writer.name]?.(url, output);
}
