/**
 * pfsense: body for a pfSense "URL Table (IPs)" alias (type `urltable`).
 *
 * pfSense's parse_aliases_file() (pfsense/pfsense src/etc/inc/pfsense-utils.inc, read via
 * shared/TARGETS.md §2.3) trims each line, keeps full-line `#` comments, cuts at the first `#`
 * or space and keeps the token only if is_ipaddr()/is_subnet(); anything else that looks like a
 * name is resolved through DNS at fetch time. So: bare canonical IPs and CIDRs, LF, no ranges,
 * no inline comments. An empty file is merely touched and the stale table kept, so the empty
 * list gets the header and, if configured, a placeholder address.
 *
 *   # APIBAN banned SIP sources (apiban-exporter); entries=3 v4=2 v6=1
 *   192.0.2.10
 *   2001:db8::1
 */
import { defineTarget } from '../src/writers/contract.js';
import { lineListOptions, renderLines, TEXT_PLAIN } from '../src/writers/common.js';

export default defineTarget({
  name: 'pfsense',
  summary: 'pfSense URL Table (IPs) alias body',
  options: lineListOptions,
  families: 'both',
  aggregateByDefault: false,
  http: { contentType: TEXT_PLAIN, extension: '.txt' },
  render: (bans, options) => renderLines(bans, options),
});
