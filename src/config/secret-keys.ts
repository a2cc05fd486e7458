/**
 * The one list of names that carry a secret: config fields (`config print`), log fields (pino
 * redaction) and URL query parameters (`?token=...` in a printed URL). Matching ignores case and
 * `_`/`-`, so `access_token`, `Access-Token` and `accessToken` are the same name. Names of
 * where a secret lives (`passwordFile`, `tokenFile`, `apiKeyEnv`) are not secrets and do not match.
 */
export const SECRET_KEYS = [
  'key',
  'apiKey',
  'apiSecret',
  'secret',
  'clientSecret',
  'password',
  'passwd',
  'pass',
  'passphrase',
  'privateKey',
  'token',
  'tokens',
  'accessToken',
  'authToken',
  'bearer',
  'authorization',
  'auth',
  'sig',
  'signature',
  'cookie',
] as const;

const NORMALIZED = new Set(SECRET_KEYS.map(normalize));

function normalize(name: string): string {
  return name.toLowerCase().replace(/[-_]/g, '');
}

export function isSecretName(name: string): boolean {
  return NORMALIZED.has(normalize(name));
}
