/**
 * fortigate: body for a FortiGate "IP Address" threat feed (`config system external-resource`,
 * `set type address`).
 *
 * Format (docs.fortinet.com FortiGate 7.0 admin guide "Threat feeds": "one IP/IP range/subnet per
 * line"; the shared Fortinet feed page in the FortiMail guide "Types and file formats of threat
 * feeds" adds IPv6 subnets and `#` comment lines). Invalid lines show up as "error lines" in
 * `diagnose sys external-resource stats`, so the header is off by default.
 * Limits (community.fortinet.com TA 378964): before FortiOS 7.4.4 each feed holds at most 10 MB or
 * 128K (131,072) entries; from 7.4.4 the limit is global per model (300,000 IP entries on every
 * model range, FortiGate 7.4.4 "External resource entry limit enhancements") and the newest
 * entries are truncated. 131,072 is the figure every version honours, so it is declared here.
 *
 *   192.0.2.10
 *   198.51.100.0/24
 *   2001:db8::/48
 */
import * as z from 'zod';
import { defineTarget } from '../src/writers/contract.js';
import { placeholderOption, renderLines, TEXT_PLAIN } from '../src/writers/common.js';

export const FORTIGATE_FEED_LIMIT = 131_072;

export default defineTarget({
  name: 'fortigate',
  summary: 'FortiGate external threat feed (IP address type)',
  options: z.strictObject({
    header: z.boolean().default(false).describe('start with a "#" comment line (Fortinet feeds accept them; off keeps "error lines" at 0)'),
    placeholder: placeholderOption,
  }),
  families: 'both',
  maxEntries: FORTIGATE_FEED_LIMIT,
  aggregateByDefault: true,
  http: { contentType: TEXT_PLAIN, extension: '.txt' },
  render: (bans, options) => renderLines(bans, options),
});
