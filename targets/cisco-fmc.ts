/**
 * cisco-fmc: a Firepower (FMC / cdFMC) Security Intelligence custom network feed, plus the MD5
 * sidecar FMC polls before downloading. Cisco "Custom Lists and Feeds: Requirements"
 * (docs.defenseorchestrator.com/cdfmc/r_custom-list-and-feed-requirements_2.html): a simple text
 * file, one entry or comment per line, comment lines start with "#", netmasks 0-32 / 0-128 but
 * never /0; "For feed update intervals of 30 minutes or less, you must specify an MD5 URL";
 * "the checksum must be stored in a simple text file with only the checksum. Comments are not
 * supported." So the sidecar is the lower-case hex digest and a newline, served at `<feed>.md5`.
 * A feed with no recognisable address is ignored and the old data kept, hence the optional
 * placeholder for an empty list (shared/TARGETS.md §4.4).
 *
 *   # APIBAN banned SIP sources (apiban-exporter); entries=3 v4=2 v6=1
 *   192.0.2.10
 *   198.51.100.0/24
 */
import { createHash } from 'node:crypto';
import { lineListOptions, renderLines, TEXT_PLAIN } from '../src/writers/common.js';
import { defineTarget } from '../src/writers/contract.js';
import { InvalidAddressError } from '../src/errors.js';
import { formatPrefix } from '../src/banset/address.js';

export default defineTarget({
  name: 'cisco-fmc',
  summary: 'Cisco FMC Security Intelligence feed (plain list) with an .md5 sidecar',
  options: lineListOptions,
  families: 'both',
  aggregateByDefault: false,
  http: { contentType: TEXT_PLAIN, extension: '.txt' },
  render(bans, options) {
    // The ban policy normally refuses wide prefixes; this guards a policy configured down to 0.
    // A /0 covers (so replaces) everything else of its family and sorts first.
    for (const family of ['v4', 'v6'] as const) {
      const first = bans.prefixes(family).next();
      if (!first.done && first.value.length === 0) {
        throw new InvalidAddressError(formatPrefix(first.value), 'cisco-fmc: a Security Intelligence feed may not hold /0');
      }
    }
    return renderLines(bans, options);
  },
  sidecars: (body) => ({ '.md5': `${createHash('md5').update(body, 'utf8').digest('hex')}\n` }),
});
