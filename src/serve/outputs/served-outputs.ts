/**
 * The outputs `serve` publishes, resolved once per configuration (start and SIGHUP): writer,
 * validated options, URL path, the sidecar suffixes the writer adds (FMC's `.md5`) and the access
 * rule. With no `outputs:` configured, the three URL-table bodies most users want are served.
 */
import type { FamilyFilter } from '../../banset/banset.js';
import type { Config } from '../../config/schema.js';
import { DEFAULT_OUTPUT_TARGETS, defaultOutput, sidecarSuffixes } from '../../config/served-paths.js';
import { ConfigError } from '../../errors.js';
import type { AnyTargetWriter } from '../../writers/contract.js';
import { loadTargets } from '../../../targets/index.js';
import { resolveAccess, type AccessRule } from '../http/access.js';

export interface ServedOutput {
  readonly name: string;
  readonly writer: AnyTargetWriter;
  readonly options: unknown;
  readonly path: string;
  readonly families?: FamilyFilter | undefined;
  readonly aggregate?: boolean | undefined;
  /** Suffixes of the writer's extra files, each served at path + suffix. */
  readonly sidecarSuffixes: readonly string[];
  readonly access: AccessRule;
}

export { DEFAULT_OUTPUT_TARGETS };

/**
 * Clashing paths, duplicate names and `outputAccess` entries for unknown outputs are refused by
 * the configuration schema (src/config/cross-checks.ts), so every command sees them; what is left
 * here needs the files on disk: the access rules' secret files, all reported at once.
 */
export async function resolveOutputs(config: Config, source: string): Promise<ServedOutput[]> {
  const writers = await loadTargets(config.outputs.length > 0 ? config.outputs.map((output) => output.target) : DEFAULT_OUTPUT_TARGETS);
  // The schema accepted every configured target, so each has its writer.
  const writerOf = (target: string) => writers.get(target) as AnyTargetWriter;
  const configured = config.outputs.length > 0 ? config.outputs : DEFAULT_OUTPUT_TARGETS.map((name) => defaultOutput(writerOf(name)));
  const problems: string[] = [];
  const outputs = configured.map((output) => {
    const writer = writerOf(output.target);
    const accessConfig = config.serve.outputAccess[output.name] ?? config.serve.access;
    const where = output.name in config.serve.outputAccess ? `serve.outputAccess.${output.name}` : 'serve.access';
    return {
      name: output.name,
      writer,
      options: output.options,
      path: output.path,
      families: output.families,
      aggregate: output.aggregate,
      sidecarSuffixes: sidecarSuffixes(writer, output.options),
      access: collectProblems(problems, () => resolveAccess(accessConfig, where)) ?? {},
    };
  });
  if (problems.length > 0) throw new ConfigError(source, [...new Set(problems)]);
  return outputs;
}

/** Runs `resolve`; a ConfigError's lines go to `problems` (so all are reported) and undefined is returned. */
export function collectProblems<T>(problems: string[], resolve: () => T): T | undefined {
  try {
    return resolve();
  } catch (error) {
    return keepProblems(problems, error);
  }
}

/** collectProblems for a resolution that settles later. */
export async function collectProblemsOf<T>(problems: string[], resolving: Promise<T>): Promise<T | undefined> {
  try {
    return await resolving;
  } catch (error) {
    return keepProblems(problems, error);
  }
}

function keepProblems(problems: string[], error: unknown): undefined {
  if (!(error instanceof ConfigError)) throw error;
  problems.push(...error.problems);
  return undefined;
}
