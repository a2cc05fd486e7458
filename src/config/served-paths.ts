/**
 * Which URL paths the configured outputs take: each output's path plus its writer's sidecars
 * (FMC's `.md5`). One definition for the configuration's checks and for `serve`, so a clash is
 * refused by `config check` exactly as `serve` would see it.
 */
import { BanSet } from '../banset/banset.js';
import type { AnyTargetWriter } from '../writers/contract.js';
import { renderOutput } from '../writers/render.js';
import { getTarget } from '../../targets/index.js';

/** With no `outputs:` configured, `serve` publishes these (as /<name><extension>). */
export const DEFAULT_OUTPUT_TARGETS = ['plain', 'pfsense', 'opnsense'] as const;

/** Paths the server answers itself; an output may not shadow them. */
const RESERVED = [/^\/healthz$/, /^\/metrics$/, /^\/status\.json$/, /^\/api(\/|$)/, /^\/t(\/|$)/];

export interface PathedOutput {
  name: string;
  target: string;
  options: unknown;
  path: string;
}
export interface ConfigProblem {
  path: (string | number)[];
  message: string;
}

export function defaultOutput(target: string): PathedOutput & { families?: undefined; aggregate?: undefined } {
  const writer = getTarget(target) as AnyTargetWriter;
  return { name: target, target, options: writer.options.parse({}), path: `/${target}${writer.http.extension}` };
}

export function sidecarSuffixes(writer: AnyTargetWriter, options: unknown): string[] {
  if (writer.sidecars === undefined) return [];
  return Object.keys(writer.sidecars(renderOutput(writer, BanSet.EMPTY, options), options));
}

/** `outputs[i].path` problems: every reserved or doubly served path (sidecars included). */
export function findPathConflicts(outputs: readonly PathedOutput[]): ConfigProblem[] {
  const problems: ConfigProblem[] = [];
  const seen = new Map<string, string>();
  outputs.forEach((output, i) => {
    const writer = getTarget(output.target) as AnyTargetWriter;
    for (const path of [output.path, ...sidecarSuffixes(writer, output.options).map((s) => output.path + s)]) {
      const at = ['outputs', i, 'path'];
      if (RESERVED.some((pattern) => pattern.test(path))) problems.push({ path: at, message: `${path} is reserved by the server` });
      const other = seen.get(path);
      if (other !== undefined) problems.push({ path: at, message: `${path} is already served by output ${JSON.stringify(other)}` });
      else seen.set(path, output.name);
    }
  });
  return problems;
}
