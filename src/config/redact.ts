/**
 * Secrets never leave the process: `config print` and error context pass through here. A value
 * is hidden when its field is a secret name (src/config/secret-keys.ts), and any URL anywhere in
 * the configuration loses its password (`https://user:***@host`) and the values of its
 * secret-looking query parameters (`?token=***`): `apiban.baseUrl` or a `sources[].url` may carry
 * credentials that way.
 */
import { isSecretName } from './secret-keys.js';

export const REDACTED = '[redacted]';
const HIDDEN = '***';

export function redactConfig<T>(value: T): T {
  if (Array.isArray(value)) return value.map(redactConfig) as T;
  if (typeof value === 'string') return redactUrl(value) as T;
  if (value !== null && typeof value === 'object') {
    return Object.fromEntries(Object.entries(value).map(([k, v]) => [k, isSecretName(k) ? hideScalars(v) : redactConfig(v)])) as T;
  }
  return value;
}

/** Under a secret name: strings and numbers become [redacted]; structure stays visible (tokenFile paths). */
function hideScalars(value: unknown): unknown {
  if (value === undefined || value === null) return value;
  if (Array.isArray(value)) return value.map(hideScalars);
  if (typeof value === 'object') return redactConfig(value);
  return REDACTED;
}

/**
 * `scheme://user:pass@host/path?token=x` -> `scheme://user:***@host/path?token=***`. A user name
 * alone is hidden too (`https://TOKEN@host` is how some services take a token). Text that is not
 * an absolute URL is returned unchanged, and so is a URL with nothing to hide (byte for byte).
 */
export function redactUrl(text: string): string {
  if (!/^[a-z][a-z0-9+.-]*:\/\//i.test(text)) return text;
  let url: URL;
  try {
    url = new URL(text);
  } catch {
    return text;
  }
  let changed = false;
  if (url.password !== '') {
    url.password = HIDDEN;
    changed = true;
  } else if (url.username !== '') {
    url.username = HIDDEN;
    changed = true;
  }
  for (const name of [...url.searchParams.keys()]) {
    if (isSecretName(name)) {
      url.searchParams.set(name, HIDDEN);
      changed = true;
    }
  }
  return changed ? url.href.replaceAll('%2A%2A%2A', HIDDEN) : text;
}
