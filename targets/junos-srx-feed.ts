/**
 * junos-srx-feed: the body an SRX `security dynamic-address` feed-server polls. One CIDR per line
 * with the length always written (/32, /128), as cs-blocklist-mirror's Juniper formatter does
 * (pkg/formatters/formatters.go), and served under a URL ending in `.txt`: "Using the blocklist
 * on a Juniper SRX requires that the published URL ends in .txt" (crowdsec-docs
 * bouncers/blocklist-mirror.mdx, Juniper section). Whether the SRX
 * parser skips `#` lines is not documented, so no header is written unless asked for.
 *
 *   192.0.2.10/32
 *   198.51.100.0/24
 *   2001:db8::1/128
 *
 * Device side, for reference: `set security dynamic-address feed-server apiban url https://...`,
 * `... feed-name apiban path /apiban/srx.txt`, `set security dynamic-address address-name
 * APIBAN-DYN profile feed-name apiban`.
 */
import * as z from 'zod';
import { placeholderOption, renderLines, TEXT_PLAIN } from '../src/writers/common.js';
import { defineTarget } from '../src/writers/contract.js';

const options = z.strictObject({
  header: z
    .boolean()
    .default(false)
    .describe('start the body with a "#" comment (off: the SRX feed parser is not documented to skip comments)'),
  placeholder: placeholderOption,
});

export default defineTarget({
  name: 'junos-srx-feed',
  summary: 'Juniper SRX dynamic-address feed: one CIDR per line, explicit /32 and /128',
  options,
  families: 'both',
  aggregateByDefault: false,
  // The SRX refuses a feed URL that does not end in .txt.
  http: { contentType: TEXT_PLAIN, extension: '.txt' },
  render: (bans, o) => renderLines(bans, o, 'both', true),
});
