/**
 * The one-address-or-CIDR-per-line format that several consumers read as it is (plain, the
 * pfSense and OPNsense URL-table aliases). Their target files differ only in name, summary and
 * the vendor notes above them; the format is decided once here, so they cannot drift apart.
 */
import type { z } from 'zod';
import { defineTarget, type TargetWriter } from './contract.js';
import { lineListOptions, renderLines, TEXT_PLAIN } from './common.js';

export function definePlainListTarget(identity: { name: string; summary: string }): TargetWriter<z.infer<typeof lineListOptions>> {
  return defineTarget({
    ...identity,
    options: lineListOptions,
    families: 'both',
    aggregateByDefault: false,
    http: { contentType: TEXT_PLAIN, extension: '.txt' },
    render: (bans, options) => renderLines(bans, options),
  });
}
