/**
 * paloalto-edl: body for a PAN-OS External Dynamic List of type "IP Address List".
 *
 * Format (docs.paloaltonetworks.com, network-security "Formatting Guidelines for an External
 * Dynamic List", IP Address List): one `[IP, IP/Mask or start-end] [space] [comment]` per line; a
 * subnet or range counts as ONE entry. Full-line comments are not part of that syntax, so the
 * header is off by default (turn it on only if your PAN-OS version is known to skip it).
 * Capacity (pan-os/7-1 web help "Objects > External Dynamic Lists"): 50,000 IP entries in total on
 * every platform but PA-5000/PA-7000 (150,000); newer releases vary by model ("List Capacities"),
 * and entries beyond capacity are skipped with only a System log. We declare the 50,000 floor
 * and aggregate by default (fewer entries, same addresses) so the device never cuts silently;
 * bigger platforms that need more can use the `plain` target. When the server is unreachable
 * PAN-OS keeps "the last successfully retrieved list", so an empty list is served, not an error.
 *
 *   192.0.2.10
 *   198.51.100.0/24
 *   2001:db8::/48
 */
import * as z from 'zod';
import { defineTarget } from '../src/writers/contract.js';
import { placeholderOption, renderLines, TEXT_PLAIN } from '../src/writers/common.js';

export const PANOS_EDL_IP_LIMIT = 50_000;

export default defineTarget({
  name: 'paloalto-edl',
  summary: 'Palo Alto PAN-OS External Dynamic List (IP address list)',
  options: z.strictObject({
    header: z.boolean().default(false).describe('start with a "#" comment line (off: PAN-OS documents no full-line comments)'),
    placeholder: placeholderOption,
  }),
  families: 'both',
  maxEntries: PANOS_EDL_IP_LIMIT,
  aggregateByDefault: true,
  http: { contentType: TEXT_PLAIN, extension: '.txt' },
  render: (bans, options) => renderLines(bans, options),
});
