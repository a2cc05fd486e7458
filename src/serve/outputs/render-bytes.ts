/**
 * The pure half of building a served variant: writer, set and shape in, the body's bytes, their
 * gzip form and content hash out. The same function runs on the event loop (tests, small sets,
 * writers outside the registry) and in the render worker (src/serve/outputs/render-worker.ts), so a
 * variant's bytes cannot depend on where it was built.
 */
import { promisify } from 'node:util';
import { gzip as gzipCallback } from 'node:zlib';
import { BanSet, type FamilyFilter } from '../../banset/banset.js';
import type { AnyTargetWriter } from '../../writers/contract.js';
import { renderOutput } from '../../writers/render.js';
import { contentHash } from '../http/content.js';

const gzip = promisify(gzipCallback);

export interface RenderedBytes {
  readonly identity: Uint8Array;
  readonly gzip: Uint8Array;
  readonly hash: string;
}

export interface RenderedVariant {
  readonly main: RenderedBytes;
  /** In the writer's order; served as plain text. */
  readonly sidecars: readonly (RenderedBytes & { suffix: string })[];
}

export interface VariantShape {
  /** undefined: the output and the query exclude each other, so the body is rendered from an empty set. */
  readonly families: FamilyFilter | undefined;
  readonly aggregate: boolean | undefined;
}

export async function renderVariantBytes(
  writer: AnyTargetWriter,
  set: BanSet,
  options: unknown,
  shape: VariantShape,
): Promise<RenderedVariant> {
  const bans = shape.families === undefined ? BanSet.EMPTY : set.only(shape.families);
  const body = renderOutput(writer, bans, options, { families: shape.families ?? 'both', aggregate: shape.aggregate });
  const main = await bytesOf(body);
  const sidecars: (RenderedBytes & { suffix: string })[] = [];
  for (const [suffix, text] of Object.entries(writer.sidecars?.(body, options) ?? {})) sidecars.push({ suffix, ...(await bytesOf(text)) });
  return { main, sidecars };
}

async function bytesOf(text: string): Promise<RenderedBytes> {
  const identity = Buffer.from(text, 'utf8');
  return { identity, gzip: await gzip(identity), hash: contentHash(identity) };
}
