/**
 * Blocked-traffic totals survive a daemon restart: `blocked.json` in the state directory holds
 * the per-device totals, each device's last reading (so the first push after a restart adds
 * only what the counter grew since, not the whole reading again) and the fleet series the page
 * charts. Written atomically after each push that reported counters; bounded like the series
 * (MAX_POINTS). A file that does not parse is reported and ignored: counting starts again from
 * zero rather than from numbers nobody can vouch for.
 */
import { readFile } from 'node:fs/promises';
import { join } from 'node:path';
import * as z from 'zod';
import { errorCode, errorMessage } from '../../errors.js';
import { FAMILIES, type BlockedTotalsSnapshot } from '../../fleet/blocked.js';
import { writeFileAtomic } from '../../sync/atomic-file.js';

export const BLOCKED_FILE = 'blocked.json';

const count = z.number().int().nonnegative().max(Number.MAX_SAFE_INTEGER);
const row = z.strictObject({ device: z.string().min(1).max(200), family: z.enum(FAMILIES), packets: count, bytes: count.optional() });
const point = z.strictObject({ at: count, packets: count, bytes: count });

const fileSchema = z.strictObject({
  version: z.literal(1),
  totals: z.array(row),
  last: z.array(row),
  series: z.array(point),
});

export type BlockedPoint = z.infer<typeof point>;
export interface BlockedFile extends BlockedTotalsSnapshot {
  series: BlockedPoint[];
}

export function blockedPath(stateDir: string): string {
  return join(stateDir, BLOCKED_FILE);
}

/** The saved totals, undefined when there are none yet; throws naming the file when it does not parse. */
export async function loadBlocked(stateDir: string): Promise<BlockedFile | undefined> {
  const path = blockedPath(stateDir);
  let text: string;
  try {
    text = await readFile(path, 'utf8');
  } catch (error) {
    if (errorCode(error) === 'ENOENT') return undefined;
    throw error;
  }
  let parsed: unknown;
  try {
    parsed = JSON.parse(text);
  } catch (error) {
    throw new Error(`${path}: not JSON (${errorMessage(error)})`);
  }
  const checked = fileSchema.safeParse(parsed);
  if (!checked.success) {
    const issue = checked.error.issues[0];
    throw new Error(`${path}: ${issue.path.join('.') || '(top)'}: ${issue.message}`);
  }
  const { totals, last, series } = checked.data;
  return { totals, last, series };
}

export async function saveBlocked(stateDir: string, data: BlockedFile): Promise<void> {
  await writeFileAtomic(blockedPath(stateDir), `${JSON.stringify({ version: 1, ...data })}\n`);
}
