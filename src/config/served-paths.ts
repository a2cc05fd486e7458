/**
 * Which URL paths the configured outputs take: each output's path plus its writer's sidecars
 * (FMC's `.md5`). One definition for the configuration's checks and for `serve`, so a clash is
 * refused by `config check` exactly as `serve` would see it.
 */
import { BanSet } from '../banset/banset.js';
import type { AnyTargetWriter } from '../writers/contract.js';
import { renderOutput } from '../writers/render.js';

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

export function defaultOutput(writer: AnyTargetWriter): PathedOutput & { families?: undefined; aggregate?: undefined } {
  const { name } = writer;
  return { name, target: name, options: writer.options.parse({}), path: `/${name}${writer.http.extension}` };
}

export function sidecarSuffixes(writer: AnyTargetWriter, options: unknown): string[] {
  if (writer.sidecars === undefined) return [];
  return Object.keys(writer.sidecars(renderOutput(writer, BanSet.EMPTY, options), options));
}

/**
 * `outputs[i].path` problems: every reserved or doubly served path (sidecars included). The
 * outputs passed validation, so each one's writer is there.
 */
export function findPathConflicts(
  outputs: readonly PathedOutput[],
  writerOf: (target: string) => AnyTargetWriter | undefined,
): ConfigProblem[] {
  const problems: ConfigProblem[] = [];
  const seen = new Map<string, string>();
  outputs.forEach((output, i) => {
    const writer = writerOf(output.target);
    const sidecars = writer === undefined ? [] : sidecarSuffixes(writer, output.options);
    for (const path of [output.path, ...sidecars.map((s) => output.path + s)]) {
      const at = ['outputs', i, 'path'];
      if (RESERVED.some((pattern) => pattern.test(path))) problems.push({ path: at, message: `${path} is reserved by the server` });
      const other = seen.get(path);
      if (other !== undefined) problems.push({ path: at, message: `${path} is already served by output ${JSON.stringify(other)}` });
      else seen.set(path, output.name);
    }
  });
  return problems;
}
