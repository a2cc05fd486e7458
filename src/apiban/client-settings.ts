/**
 * The client options that come from the `apiban:` section. `sync` and `check` spend the same
 * key's budget, so they build their clients from this one place and cannot drift apart.
 */
import type { Config } from '../config/schema.js';
import type { ApibanClientOptions } from './client.js';

export type ClientSettings = Pick<ApibanClientOptions, 'key' | 'baseUrl' | 'version' | 'set' | 'caFile' | 'timeoutMs' | 'budget'>;

export function clientSettings(apiban: Config['apiban'], key: string): ClientSettings {
  return {
    key,
    baseUrl: apiban.baseUrl,
    version: apiban.version,
    set: apiban.set,
    caFile: apiban.caFile,
    timeoutMs: apiban.timeout,
    budget: { requests: apiban.budget.requests, windowMs: apiban.budget.window },
  };
}
