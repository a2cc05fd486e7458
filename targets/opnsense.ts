/**
 * opnsense: body for an OPNsense "URL Table (IPs)" alias.
 *
 * OPNsense's UriParser (opnsense/core src/opnsense/scripts/filter/lib/alias/uri.py, read via
 * shared/TARGETS.md §3.2-3.3) takes the first token split on whitespace , ; | #, accepts CIDRs
 * and ranges, and queues anything else for DNS. Only status 200 is used; on error the alias keeps
 * its previous content. An empty body flushes the table, hence the optional placeholder.
 *
 *   # APIBAN banned SIP sources (apiban-exporter); entries=3 v4=2 v6=1
 *   192.0.2.10
 *   198.51.100.0/24
 */
import { defineTarget } from '../src/writers/contract.js';
import { lineListOptions, renderLines, TEXT_PLAIN } from '../src/writers/common.js';

export default defineTarget({
  name: 'opnsense',
  summary: 'OPNsense URL Table (IPs) alias body',
  options: lineListOptions,
  families: 'both',
  aggregateByDefault: false,
  http: { contentType: TEXT_PLAIN, extension: '.txt' },
  render: (bans, options) => renderLines(bans, options),
});
