/**
 * Access control for served paths: an optional address allowlist, then any one of Basic, Bearer
 * or a secret path token. cs-blocklist-mirror compares credentials with `==` and parses a token
 * it never checks (crowdsecurity/cs-blocklist-mirror on GitHub); here every secret is kept only as a SHA-256 digest
 * and compared with timingSafeEqual on equal-length digests, so neither the length nor the
 * first differing byte of a guess leaks through timing.
 *
 * Answers: 403 for a client outside the allowlist or wrong credentials (the same body whichever
 * part was wrong), 401 with WWW-Authenticate when no credential came, and 404 whenever the only
 * way in is a path token and the right one was not given (a secret path does not exist for others).
 */
import { createHash, timingSafeEqual } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { isIPv4 } from 'node:net';
import { createBanSet, type BanSet } from '../../banset/banset.js';
import { parsePrefix, tryParsePrefix } from '../../banset/address.js';
import type { AccessConfig } from '../../config/serve-schema.js';
import { ConfigError, errorCode } from '../../errors.js';
import { BoundedMemo } from './bounded-memo.js';

export interface AccessRule {
  readonly allow?: BanSet | undefined;
  readonly basic?: { user: Buffer; password: Buffer } | undefined;
  readonly bearer?: Buffer | undefined;
  readonly pathToken?: Buffer | undefined;
}

export interface AccessRequest {
  remoteAddress: string | undefined;
  authorization: string | undefined;
  /** The `<token>` of a `/t/<token>/...` URL, when the request came that way. */
  pathToken: string | undefined;
}

export type AccessDecision = { ok: true } | { ok: false; status: 401 | 403 | 404; challenge?: string };

const REALM = 'apiban-exporter';

export function digest(value: string | Buffer): Buffer {
  return createHash('sha256').update(value).digest();
}

/** Constant-time equality of a presented secret and a stored digest. */
export function matchesDigest(presented: string, expected: Buffer): boolean {
  return timingSafeEqual(digest(presented), expected);
}

/** Reads a secret from its file, dropping one trailing newline; the content never reaches a message. */
export function readSecretFile(path: string, what: string): string {
  try {
    return readFileSync(path, 'utf8').replace(/\r?\n$/, '');
  } catch (error) {
    throw new ConfigError(path, [`${what}: cannot read the secret file ${path} (${errorCode(error) ?? 'error'})`]);
  }
}

/** Bearer and path tokens: guessable below this length (the schema holds inline tokens to it too). */
export const MIN_TOKEN_LENGTH = 16;

function tokenDigest(secret: { token?: string | undefined; tokenFile?: string | undefined }, what: string): Buffer {
  if (secret.token !== undefined) return digest(secret.token);
  const path = secret.tokenFile as string;
  const token = readSecretFile(path, what);
  if (token.length < MIN_TOKEN_LENGTH)
    throw new ConfigError(path, [
      `${what}: ${path} holds ${token === '' ? 'nothing' : 'a token shorter than 16 characters'}; use at least ${MIN_TOKEN_LENGTH} (e.g. openssl rand -hex 16)`,
    ]);
  return digest(token);
}

/** Basic's password: never empty, whatever the file says (an empty one would let `user:` in). */
function passwordDigest(basic: NonNullable<AccessConfig['basic']>, where: string): Buffer {
  const password = basic.password ?? readSecretFile(basic.passwordFile as string, `${where}.basic.passwordFile`);
  if (password === '') {
    const problem =
      basic.password === undefined ? `passwordFile: ${basic.passwordFile} holds an empty password` : 'password: must not be empty';
    throw new ConfigError(where, [`${where}.basic.${problem}`]);
  }
  return digest(password);
}

/** Turns a validated access section into digests and a BanSet of allowed networks. */
export function resolveAccess(config: AccessConfig, where: string): AccessRule {
  return {
    allow: config.allow === undefined ? undefined : createBanSet(config.allow.map(parsePrefix)),
    basic:
      config.basic === undefined
        ? undefined
        : {
            user: digest(config.basic.username),
            password: passwordDigest(config.basic, where),
          },
    bearer: config.bearer === undefined ? undefined : tokenDigest(config.bearer, `${where}.bearer.tokenFile`),
    pathToken: config.pathToken === undefined ? undefined : tokenDigest(config.pathToken, `${where}.pathToken.tokenFile`),
  };
}

/**
 * A path-token-only output exists only for clients that present its token: any other method,
 * Authorization header, address or wrong token gets the same 404 as a path that was never
 * configured, so a scanner cannot tell that the path exists (a 401/403/405 would say so).
 */
export function hidesPath(rule: AccessRule, pathToken: string | undefined): boolean {
  if (rule.pathToken === undefined || rule.basic !== undefined || rule.bearer !== undefined) return false;
  return pathToken === undefined || !matchesDigest(pathToken, rule.pathToken);
}

/** Shared answers: every request gets one, and these never change (callers only read them). */
const ADMITTED: AccessDecision = Object.freeze({ ok: true });
const FORBIDDEN: AccessDecision = Object.freeze({ ok: false, status: 403 });
const HIDDEN: AccessDecision = Object.freeze({ ok: false, status: 404 });

export function checkAccess(rule: AccessRule, request: AccessRequest): AccessDecision {
  if (hidesPath(rule, request.pathToken)) return HIDDEN;
  if (rule.allow !== undefined && !isAllowedAddress(rule.allow, request.remoteAddress)) return FORBIDDEN;
  const methods = rule.basic !== undefined || rule.bearer !== undefined || rule.pathToken !== undefined;
  if (!methods) return ADMITTED;
  const presented = request.pathToken !== undefined || request.authorization !== undefined;
  if (!presented) {
    const challenge = challengeFor(rule);
    return challenge === undefined ? HIDDEN : { ok: false, status: 401, challenge };
  }
  return credentialsMatch(rule, request) ? ADMITTED : FORBIDDEN;
}

function credentialsMatch(rule: AccessRule, request: AccessRequest): boolean {
  let ok = false;
  if (request.pathToken !== undefined && rule.pathToken !== undefined) ok = matchesDigest(request.pathToken, rule.pathToken) || ok;
  const auth = request.authorization ?? '';
  const space = auth.indexOf(' ');
  const scheme = auth.slice(0, Math.max(space, 0)).toLowerCase();
  const value = auth.slice(space + 1).trim();
  if (scheme === 'bearer' && rule.bearer !== undefined) ok = matchesDigest(value, rule.bearer) || ok;
  if (scheme === 'basic' && rule.basic !== undefined) ok = basicMatches(value, rule.basic) || ok;
  return ok;
}

function basicMatches(encoded: string, expected: { user: Buffer; password: Buffer }): boolean {
  const decoded = Buffer.from(encoded, 'base64').toString('utf8');
  const colon = decoded.indexOf(':');
  // No empty password ever passes, even if a rule were built around one.
  if (colon < 0 || colon === decoded.length - 1) return false;
  // Both halves are always compared, so a right user name with a wrong password costs the same time.
  const user = matchesDigest(decoded.slice(0, colon), expected.user);
  const password = matchesDigest(decoded.slice(colon + 1), expected.password);
  return user && password;
}

function challengeFor(rule: AccessRule): string | undefined {
  const challenges: string[] = [];
  if (rule.basic !== undefined) challenges.push(`Basic realm="${REALM}", charset="UTF-8"`);
  if (rule.bearer !== undefined) challenges.push(`Bearer realm="${REALM}"`);
  return challenges.length === 0 ? undefined : challenges.join(', ');
}

/**
 * Verdicts per allowlist and client address. Parsing the peer address and searching the set on
 * every request cost more than the 304 it guards, and the clients of a list are a few firewalls.
 * Keyed by the allowlist itself, so a reload (a new set) starts afresh.
 */
const addressVerdicts = new WeakMap<BanSet, BoundedMemo<boolean>>();
const ADDRESS_VERDICTS_LIMIT = 1024;

/** Node reports IPv4 clients of a dual-stack socket as `::ffff:a.b.c.d`; match them as IPv4. */
export function isAllowedAddress(allow: BanSet, remoteAddress: string | undefined): boolean {
  if (remoteAddress === undefined) return false;
  let verdicts = addressVerdicts.get(allow);
  if (verdicts === undefined) {
    verdicts = new BoundedMemo(ADDRESS_VERDICTS_LIMIT, (address) => coversAddress(allow, address));
    addressVerdicts.set(allow, verdicts);
  }
  return verdicts.get(remoteAddress);
}

function coversAddress(allow: BanSet, remoteAddress: string): boolean {
  const mapped = remoteAddress.startsWith('::ffff:') && isIPv4(remoteAddress.slice(7)) ? remoteAddress.slice(7) : remoteAddress;
  const prefix = tryParsePrefix(mapped);
  return typeof prefix !== 'string' && allow.covering(prefix) !== undefined;
}
