/**
 * The one-address-or-CIDR-per-line format that several consumers read as it is (plain, the
 * pfSense and OPNsense URL-table aliases). Their target files differ only in name, summary and
 * the vendor notes above them; the format is decided once here, so they cannot drift apart.
 */
import type { z } from 'zod';
import type { BanSet } from '../banset/banset.js';
import { defineTarget, type TargetWriter } from './contract.js';
import { lineListOptions, renderLines, TEXT_PLAIN } from './common.js';

/** One function for every such writer, so serve renders outputs that differ only by target once (render-key.ts). */
const render = (bans: BanSet, options: z.infer<typeof lineListOptions>): string => renderLines(bans, options);

export function definePlainListTarget(identity: { name: string; summary: string }): TargetWriter<z.infer<typeof lineListOptions>> {
  return defineTarget({
    ...identity,
    options: lineListOptions,
    families: 'both',
    aggregateByDefault: false,
    http: { contentType: TEXT_PLAIN, extension: '.txt' },
    render,
  });
}
