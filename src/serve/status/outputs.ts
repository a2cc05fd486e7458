/**
 * The outputs part of the status model: each output's URL (path tokens as `<token>`), the setting
 * to paste into the firewall that polls it, and who fetches it (fetch-log.ts), with `stale` set
 * when no client fetched it for longer than serve.status.staleFetchAfter.
 */
import type { Config } from '../../config/schema.js';
import type { FetchLog, OutputFetches } from './fetch-log.js';
import type { ServedOutput } from '../outputs/served-outputs.js';
import { firewallSettings, type FirewallSetting } from './firewall.js';

export interface OutputStatus {
  name: string;
  target: string;
  url: string;
  protected: boolean;
  firewall?: FirewallSetting | undefined;
  fetches: FetchesStatus;
}

export interface FetchesStatus {
  lastFetchAt: string | null;
  /** Not fetched (200 or 304) for longer than staleFetchAfter: since start when never fetched. */
  stale: boolean;
  ok: number;
  notModified: number;
  refused: number;
  other: number;
  clients: Array<{ address: string; requests: number; lastAt: string; lastStatus: number }>;
}

export interface OutputsContext {
  now: number;
  origin: string;
  config: Config;
  /** When this daemon started: an output never fetched is stale once the daemon ran that long. */
  startedAt: number;
  staleFetchAfterMs: number;
  fetches?: FetchLog | undefined;
}

export function describeOutputs(outputs: readonly ServedOutput[], context: OutputsContext): OutputStatus[] {
  return outputs.map((output) => describeOutput(output, context));
}

function describeOutput(output: ServedOutput, context: OutputsContext): OutputStatus {
  const tokenOnly = output.access.pathToken !== undefined;
  const url = `${context.origin}${tokenOnly ? '/t/<token>' : ''}${output.path}`;
  const isProtected =
    output.access.basic !== undefined || output.access.bearer !== undefined || tokenOnly || output.access.allow !== undefined;
  const { outputAccess, access } = context.config.serve;
  const rule = {
    where: output.name in outputAccess ? `serve.outputAccess.${output.name}` : 'serve.access',
    username: (outputAccess[output.name] ?? access).basic?.username,
  };
  return {
    name: output.name,
    target: output.writer.name,
    url,
    protected: isProtected,
    firewall: firewallSettings(output, url, rule),
    fetches: fetchesStatus(context.fetches?.of(output.name), context),
  };
}

function fetchesStatus(fetches: OutputFetches | undefined, context: OutputsContext): FetchesStatus {
  const lastFetchAt = fetches?.lastFetchAt;
  const since = lastFetchAt ?? context.startedAt;
  return {
    lastFetchAt: lastFetchAt === undefined ? null : new Date(lastFetchAt).toISOString(),
    stale: context.now - since > context.staleFetchAfterMs,
    ok: fetches?.ok ?? 0,
    notModified: fetches?.notModified ?? 0,
    refused: fetches?.refused ?? 0,
    other: fetches?.other ?? 0,
    clients: (fetches?.clients ?? []).map((c) => ({ ...c, lastAt: new Date(c.lastAt).toISOString() })),
  };
}
