/**
 * plain: one canonical address or CIDR per line, the common denominator that Palo Alto EDLs,
 * FortiGate threat feeds, Check Point and generic scripts read (shared/TARGETS.md §1, §9).
 *
 *   # APIBAN banned SIP sources (apiban-exporter); entries=3 v4=2 v6=1
 *   192.0.2.10
 *   198.51.100.0/24
 */
import { defineTarget } from '../src/writers/contract.js';
import { lineListOptions, renderLines, TEXT_PLAIN } from '../src/writers/common.js';

export default defineTarget({
  name: 'plain',
  summary: 'one address or CIDR per line (EDL, threat feeds, scripts)',
  options: lineListOptions,
  families: 'both',
  aggregateByDefault: false,
  http: { contentType: TEXT_PLAIN, extension: '.txt' },
  render: (bans, options) => renderLines(bans, options),
});
