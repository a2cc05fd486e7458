/**
 * The server's view of the configuration, resolved once (secret files read, CIDRs parsed, paths
 * checked) at start and on SIGHUP. A reload that fails to resolve leaves the running site alone.
 */
import type { LoadedConfig } from '../config/load.js';
import { ConfigError } from '../errors.js';
import { digest, readSecretFile, resolveAccess, type AccessRule } from './access.js';
import { resolveOutputs, type ServedOutput } from './outputs.js';

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
  readonly mirrorTokens?: readonly Buffer[];
  /** The APIBAN set the mirror holds (apiban.set): the only one it answers for. */
  readonly mirrorSet: string;
  readonly retryAfterSeconds: number;
  readonly maxAgeMs: number;
}

export function resolveSite(loaded: LoadedConfig): Site {
  const serve = loaded.config.serve;
  const outputs = resolveOutputs(loaded.config, loaded.source);
  const routes = new Map<string, Route>();
  for (const output of outputs) {
    routes.set(output.path, { output });
    for (const suffix of output.sidecarSuffixes) routes.set(output.path + suffix, { output, sidecar: suffix });
  }
  return {
    outputs,
    routes,
    admin: resolveAccess(serve.adminAccess, 'serve.adminAccess'),
    mirrorTokens: serve.mirror.enabled ? mirrorTokens(serve.mirror, loaded.source) : undefined,
    mirrorSet: loaded.config.apiban.set,
    retryAfterSeconds: Math.max(1, Math.round(serve.retryAfter / 1000)),
    maxAgeMs: serve.maxAge,
  };
}

function mirrorTokens(mirror: LoadedConfig['config']['serve']['mirror'], source: string): Buffer[] {
  const fromFile = mirror.tokensFile === undefined ? [] : readSecretFile(mirror.tokensFile, 'serve.mirror.tokensFile')
    .split(/\r?\n/).map((line) => line.trim()).filter((line) => line !== '' && !line.startsWith('#'));
  const tokens = [...mirror.tokens, ...fromFile];
  if (tokens.length === 0) throw new ConfigError(source, ['serve.mirror: enabled without tokens (set tokens or tokensFile)']);
  return tokens.map((token) => digest(token));
}
