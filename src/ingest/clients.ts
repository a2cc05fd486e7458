/**
 * The named clients of the endpoint: each may call only from its `allow` CIDRs and, with a
 * tokenFile, only with that token (path /t/<token>/... or Authorization: Bearer). Tokens are held
 * as SHA-256 digests and compared in constant time, as serve's access rules do (src/serve/http/access.ts).
 */
import { parsePrefix } from '../banset/address.js';
import { createBanSet, type BanSet } from '../banset/banset.js';
import type { IngestClientConfig } from '../config/ingest-schema.js';
import { UNKNOWN_CALLER } from '../edge/events.js';
import { ConfigError } from '../errors.js';
import { digest, isAllowedAddress, matchesDigest, MIN_TOKEN_LENGTH, readSecretFile } from '../serve/http/access.js';

export interface EdgeClient {
  readonly name: string;
  readonly allow: BanSet;
  readonly token?: Buffer | undefined;
}

export function resolveClients(clients: readonly IngestClientConfig[]): EdgeClient[] {
  return clients.map((client, i) => ({
    name: client.name,
    allow: createBanSet(client.allow.map(parsePrefix)),
    token: client.tokenFile === undefined ? undefined : readToken(client.tokenFile, `ingest.clients[${i}].tokenFile`),
  }));
}

function readToken(path: string, where: string): Buffer {
  const token = readSecretFile(path, where);
  if (token.length < MIN_TOKEN_LENGTH)
    throw new ConfigError(path, [
      `${where}: ${path} holds a token shorter than ${MIN_TOKEN_LENGTH} characters (e.g. openssl rand -hex 16)`,
    ]);
  return digest(token);
}

/** The first client the request's address and token admit, or undefined (the caller answers 403). */
export function identifyClient(
  clients: readonly EdgeClient[],
  remoteAddress: string | undefined,
  token: string | undefined,
): EdgeClient | undefined {
  return clients.find(
    (client) =>
      isAllowedAddress(client.allow, remoteAddress) &&
      (client.token === undefined || (token !== undefined && matchesDigest(token, client.token))),
  );
}

/**
 * Who a forbidden call is counted under: the first client whose `allow` holds the caller (its token
 * was wrong or missing), else UNKNOWN_CALLER.
 */
export function forbiddenCaller(clients: readonly EdgeClient[], remoteAddress: string | undefined): string {
  return clients.find((client) => isAllowedAddress(client.allow, remoteAddress))?.name ?? UNKNOWN_CALLER;
}

/** The token of an `Authorization: Bearer <token>` header. */
export function bearerToken(authorization: string | undefined): string | undefined {
  const match = authorization === undefined ? null : /^Bearer ([^\s]+)$/i.exec(authorization);
  return match?.[1];
}
