/**
 * The configurations the soak's SIGHUP storm writes: the base one, one valid variant per
 * section (apiban, state, sync, sources, policy, guards, outputs, serve, push), and files that
 * must be refused or cannot be applied. Every valid one keeps /plain.txt and allowlists
 * ALWAYS_ALLOWED, so the pollers' model holds whichever one is in force.
 */
import { stringify } from 'yaml';
import { ALWAYS_ALLOWED, type Random } from './chaos.js';

export interface SoakSetup {
  apibanUrl: string;
  stateDir: string;
  sourceFile: string;
  notADirectory: string;
  budget: { requests: number; windowMs: number };
  device: Record<string, unknown>;
}

/** Addresses the local source file lists (only while the `sources` variant is in force). */
export const SOURCE_ADDRESSES = ['203.0.113.50', '203.0.113.51'];

export function baseConfig(setup: SoakSetup): Record<string, unknown> {
  return {
    apiban: {
      // biome-ignore lint/suspicious/noTemplateCurlyInString: the config's own ${VAR} substitution, not a template
      key: '${SOAK_KEY}',
      baseUrl: setup.apibanUrl,
      timeout: '2s',
      budget: { requests: setup.budget.requests, window: `${setup.budget.windowMs}ms` },
    },
    state: { dir: setup.stateDir },
    sync: { interval: '1s', fullResync: '15s' },
    guards: { maxShrink: 0.9 },
    policy: { allowlist: [ALWAYS_ALLOWED] },
    push: { devices: [setup.device] },
  };
}

type Variant = (base: Record<string, unknown>, setup: SoakSetup) => Record<string, unknown> | string;

const VALID: Record<string, Variant> = {
  apiban: (base) => ({ ...base, apiban: { ...(base.apiban as object), timeout: '3s' } }),
  state: (base, setup) => ({ ...base, state: { dir: `${setup.stateDir}/` } }),
  sync: (base) => ({ ...base, sync: { interval: '2s', fullResync: '10s' } }),
  sources: (base, setup) => ({ ...base, sources: [{ name: 'local', file: setup.sourceFile }] }),
  policy: (base) => ({ ...base, policy: { allowlist: [ALWAYS_ALLOWED, '198.18.3.0/24'] } }),
  guards: (base) => ({ ...base, guards: { maxShrink: 0.95 } }),
  outputs: (base) => ({
    ...base,
    outputs: [
      { name: 'plain', target: 'plain' },
      { name: 'extra', target: 'plain' },
    ],
  }),
  serve: (base) => ({ ...base, serve: { maxAge: '3h' } }),
  push: (base, setup) => ({ ...base, push: { devices: [setup.device], concurrency: 2, schedule: { afterSync: false } } }),
};

const INVALID: Record<string, Variant> = {
  syntax: () => 'policy: {allowlist: [\n',
  unknownField: (base) => ({ ...base, nonsense: true }),
  badAddress: (base) => ({ ...base, policy: { allowlist: ['198.18.0.0/33'] } }),
  zeroBudget: (base) => ({ ...base, apiban: { ...(base.apiban as object), budget: { requests: 0, window: '3s' } } }),
  unusableStateDir: (base, setup) => ({ ...base, state: { dir: `${setup.notADirectory}/state` } }),
  missingSource: (base, setup) => ({ ...base, sources: [{ name: 'gone', file: `${setup.sourceFile}.missing` }] }),
};

export const SECTIONS = Object.keys(VALID);

/** A random configuration file text: valid (one or more sections changed) or one of the bad ones. */
export function randomConfig(setup: SoakSetup, random: Random): { text: string; kind: string } {
  const base = baseConfig(setup);
  if (random.chance(0.3)) {
    const kind = random.pick(Object.keys(INVALID));
    return { text: render(INVALID[kind](base, setup)), kind: `invalid:${kind}` };
  }
  if (random.chance(0.2)) return { text: render(base), kind: 'base' };
  let config = base;
  const kinds: string[] = [];
  for (let i = random.int(1, 3); i > 0; i--) {
    const kind = random.pick(SECTIONS);
    kinds.push(kind);
    const changed = VALID[kind](config, setup);
    if (typeof changed !== 'string') config = changed;
  }
  return { text: render(config), kind: kinds.join('+') };
}

export function render(config: Record<string, unknown> | string): string {
  return typeof config === 'string' ? config : stringify(config);
}
