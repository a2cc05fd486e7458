/**
 * The server's view of the configuration, resolved once (secret files read, CIDRs parsed, paths
 * checked) at start and on SIGHUP. A reload that fails to resolve leaves the running site alone.
 */
import type { LoadedConfig } from '../config/load.js';
import { ConfigError } from '../errors.js';
import { digest, readSecretFile, resolveAccess, type AccessRule } from './http/access.js';
import { collectProblems, collectProblemsOf, resolveOutputs, type ServedOutput } from './outputs/served-outputs.js';

export interface Route {
  readonly output: ServedOutput;
  /** A sidecar suffix (".md5"), or undefined for the output itself. */
  readonly sidecar?: string;
}

export interface Site {
  readonly outputs: readonly ServedOutput[];
  readonly routes: ReadonlyMap<string, Route>;
  readonly admin: AccessRule;
  /** Digests of the mirror's tokens; undefined when the mirror is off. */
  readonly mirrorTokens?: readonly Buffer[] | undefined;
  /** The APIBAN set the mirror holds (apiban.set): the only one it answers for. */
  readonly mirrorSet: string;
  /** Whether the mirror also lists bans only the edge found (serve.mirror.includeEdge). */
  readonly mirrorIncludesEdge: boolean;
  readonly retryAfterSeconds: number;
  readonly maxAgeMs: number;
}

/** Every problem at once (unreadable secret files, an empty tokensFile), as `path: problem` lines. */
export async function resolveSite(loaded: LoadedConfig): Promise<Site> {
  const serve = loaded.config.serve;
  const problems: string[] = [];
  const outputs = (await collectProblemsOf(problems, resolveOutputs(loaded.config, loaded.source))) ?? [];
  const admin = collectProblems(problems, () => resolveAccess(serve.adminAccess, 'serve.adminAccess'));
  const tokens = serve.mirror.enabled ? collectProblems(problems, () => mirrorTokens(serve.mirror, loaded.source)) : undefined;
  if (problems.length > 0 || admin === undefined) throw new ConfigError(loaded.source, problems);
  const routes = new Map<string, Route>();
  for (const output of outputs) {
    routes.set(output.path, { output });
    for (const suffix of output.sidecarSuffixes) routes.set(output.path + suffix, { output, sidecar: suffix });
  }
  return {
    outputs,
    routes,
    admin,
    mirrorTokens: tokens,
    mirrorSet: loaded.config.apiban.set,
    mirrorIncludesEdge: serve.mirror.includeEdge,
    retryAfterSeconds: Math.max(1, Math.round(serve.retryAfter / 1000)),
    maxAgeMs: serve.maxAge,
  };
}

function mirrorTokens(mirror: LoadedConfig['config']['serve']['mirror'], source: string): Buffer[] {
  const fromFile =
    mirror.tokensFile === undefined
      ? []
      : readSecretFile(mirror.tokensFile, 'serve.mirror.tokensFile')
          .split(/\r?\n/)
          .map((line) => line.trim())
          .filter((line) => line !== '' && !line.startsWith('#'));
  const tokens = [...mirror.tokens, ...fromFile];
  if (tokens.length === 0)
    throw new ConfigError(source, [`serve.mirror.tokensFile: ${mirror.tokensFile} holds no token (the mirror is enabled)`]);
  return tokens.map((token) => digest(token));
}
