/**
 * `check`'s question to APIBAN: one request to the check endpoint, spent from the same budget
 * and written to the same journal as every sync (request-journal.ts), so serve counts it. It is
 * asked only when the window has room now; check never waits and never retries a 429.
 */
import { createApibanClient } from '../apiban/client.js';
import { clientSettings } from '../apiban/client-settings.js';
import { BudgetSpentError } from '../apiban/pacer.js';
import type { LoadedConfig } from '../config/load.js';
import { ApibanError } from '../errors.js';
import { requestJournal } from './request-journal.js';

export type RemoteAnswer = { listed: boolean; id?: string } | { error: string };

export async function askApibanCheck(loaded: LoadedConfig, key: string, ip: string): Promise<RemoteAnswer> {
  const settings = clientSettings(loaded.config.apiban, key);
  const client = createApibanClient({
    ...settings,
    journal: requestJournal(loaded.stateDir),
    neverWait: true,
    retry: { attempts: 2, rateLimitWaits: 0 },
  });
  try {
    return await client.check(ip);
  } catch (error) {
    if (error instanceof BudgetSpentError) {
      const { requests, windowMs } = settings.budget;
      return {
        error: `not asked: sync or serve used all ${requests} requests of the APIBAN budget in the last ${windowMs / 1000} s; try again in ${Math.ceil(error.waitMs / 1000)} s (or use --no-remote)`,
      };
    }
    if (error instanceof ApibanError) return { error: error.message };
    throw error;
  } finally {
    await client.close();
  }
}
