/**
 * The outputs `serve` publishes, resolved once per configuration (start and SIGHUP): writer,
 * validated options, URL path, the sidecar suffixes the writer adds (FMC's `.md5`) and the access
 * rule. With no `outputs:` configured, the three URL-table bodies most users want are served.
 */
import type { FamilyFilter } from '../banset/banset.js';
import { BanSet } from '../banset/banset.js';
import type { Config } from '../config/schema.js';
import { ConfigError } from '../errors.js';
import type { AnyTargetWriter } from '../writers/contract.js';
import { renderOutput } from '../writers/render.js';
import { getTarget } from '../../targets/index.js';
import { resolveAccess, type AccessRule } from './access.js';

export interface ServedOutput {
  readonly name: string;
  readonly writer: AnyTargetWriter;
  readonly options: unknown;
  readonly path: string;
  readonly families?: FamilyFilter;
  readonly aggregate?: boolean;
  /** Suffixes of the writer's extra files, each served at path + suffix. */
  readonly sidecarSuffixes: readonly string[];
  readonly access: AccessRule;
}

export const DEFAULT_OUTPUT_TARGETS = ['plain', 'pfsense', 'opnsense'] as const;

/** Paths the server answers itself; an output may not shadow them. */
const RESERVED = [/^\/healthz$/, /^\/metrics$/, /^\/status\.json$/, /^\/api(\/|$)/, /^\/t(\/|$)/];

export function resolveOutputs(config: Config, source: string): ServedOutput[] {
  const configured = config.outputs.length > 0 ? config.outputs : DEFAULT_OUTPUT_TARGETS.map(defaultOutput);
  const problems: string[] = [];
  const outputs = configured.map((output) => {
    const writer = getTarget(output.target) as AnyTargetWriter;
    const accessConfig = config.serve.outputAccess[output.name] ?? config.serve.access;
    const where = output.name in config.serve.outputAccess ? `serve.outputAccess.${output.name}` : 'serve.access';
    return {
      name: output.name, writer, options: output.options, path: output.path,
      families: output.families, aggregate: output.aggregate,
      sidecarSuffixes: sidecarSuffixes(writer, output.options),
      access: resolveAccess(accessConfig, where),
    };
  });
  problems.push(...findConflicts(outputs));
  for (const name of Object.keys(config.serve.outputAccess)) {
    if (!outputs.some((o) => o.name === name)) problems.push(`serve.outputAccess.${name}: no output has this name`);
  }
  if (problems.length > 0) throw new ConfigError(source, problems);
  return outputs;
}

function defaultOutput(target: string): Config['outputs'][number] {
  const writer = getTarget(target) as AnyTargetWriter;
  return { name: target, target, options: writer.options.parse({}), path: `/${target}${writer.http.extension}` };
}

function sidecarSuffixes(writer: AnyTargetWriter, options: unknown): string[] {
  if (writer.sidecars === undefined) return [];
  return Object.keys(writer.sidecars(renderOutput(writer, BanSet.EMPTY, options), options));
}

function findConflicts(outputs: readonly ServedOutput[]): string[] {
  const problems: string[] = [];
  const seen = new Map<string, string>();
  for (const output of outputs) {
    for (const path of [output.path, ...output.sidecarSuffixes.map((s) => output.path + s)]) {
      if (RESERVED.some((pattern) => pattern.test(path))) problems.push(`outputs.${output.name}.path: ${path} is reserved by the server`);
      const other = seen.get(path);
      if (other !== undefined) problems.push(`outputs.${output.name}.path: ${path} is already served by output ${other}`);
      seen.set(path, output.name);
    }
  }
  return problems;
}
