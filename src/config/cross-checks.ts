/**
 * Checks that span sections, run as part of the schema: every command (and `config check`)
 * refuses what `serve` or `push` would refuse at start, with the path of the offending field.
 * Checks that need the environment (secret files, variables, TLS files) are not here: see
 * `config check`, which runs the same resolution `serve` and `push` run.
 */
import type { z } from 'zod';
import type { AnyTargetWriter } from '../writers/contract.js';
import type { RegistryView } from './registry-entry.js';
import { DEFAULT_OUTPUT_TARGETS, findPathConflicts, type ConfigProblem, type PathedOutput } from './served-paths.js';

interface CheckedConfig {
  outputs: readonly PathedOutput[];
  serve: {
    outputAccess: Record<string, unknown>;
    mirror: { enabled: boolean; tokens: readonly string[]; tokensFile?: string | undefined };
    timeouts: { headers: number; request: number };
  };
  push: { devices: readonly { name: string }[]; schedule: { select: { device?: string[] | undefined } } };
}

export function crossCheck(config: CheckedConfig, ctx: z.RefinementCtx, targets: RegistryView<AnyTargetWriter>): void {
  const problems = [...outputProblems(config, targets), ...serveProblems(config), ...pushProblems(config)];
  for (const { path, message } of problems) ctx.addIssue({ code: 'custom', path, message });
}

function outputProblems(config: CheckedConfig, targets: RegistryView<AnyTargetWriter>): ConfigProblem[] {
  const problems: ConfigProblem[] = [];
  const firstIndex = new Map<string, number>();
  config.outputs.forEach((output, i) => {
    const first = firstIndex.get(output.name);
    if (first !== undefined)
      problems.push({
        path: ['outputs', i, 'name'],
        message: `duplicate output name ${JSON.stringify(output.name)} (also outputs[${first}])`,
      });
    else firstIndex.set(output.name, i);
  });
  return [...problems, ...findPathConflicts(config.outputs, (name) => targets.get(name))];
}

function serveProblems(config: CheckedConfig): ConfigProblem[] {
  const problems: ConfigProblem[] = [];
  const names: string[] = config.outputs.length > 0 ? config.outputs.map((o) => o.name) : [...DEFAULT_OUTPUT_TARGETS];
  for (const name of Object.keys(config.serve.outputAccess)) {
    if (!names.includes(name))
      problems.push({ path: ['serve', 'outputAccess', name], message: `no output has this name (outputs: ${names.join(', ')})` });
  }
  const { mirror, timeouts } = config.serve;
  if (mirror.enabled && mirror.tokens.length === 0 && mirror.tokensFile === undefined) {
    problems.push({ path: ['serve', 'mirror'], message: 'enabled without tokens (set tokens or tokensFile)' });
  }
  if (timeouts.headers > timeouts.request) {
    problems.push({
      path: ['serve', 'timeouts', 'headers'],
      message: 'must not be longer than serve.timeouts.request (the whole request includes its headers)',
    });
  }
  return problems;
}

function pushProblems(config: CheckedConfig): ConfigProblem[] {
  const known = config.push.devices.map((d) => d.name);
  return (config.push.schedule.select.device ?? []).flatMap((name, i) =>
    known.includes(name)
      ? []
      : [
          {
            path: ['push', 'schedule', 'select', 'device', i],
            message: `no device named ${JSON.stringify(name)} (devices: ${known.join(', ') || 'none'})`,
          },
        ],
  );
}
