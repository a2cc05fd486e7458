/**
 * What `config print` may show of the file as written. A secret field (src/config/secret-keys.ts)
 * keeps a `${VAR}` reference as it is: that is where the secret comes from, and it reads back the
 * same. A secret written inline is replaced by REDACTED, and so is a literal password or
 * secret-looking query value in any URL (`https://user:<redacted>@host`, `?token=<redacted>`).
 * REDACTED is no value: loading refuses it wherever it appears (findRedacted), so a printed
 * file can never be put to use with a placeholder where a secret was.
 */
import { isSecretName } from './secret-keys.js';

export const REDACTED = '<redacted>';

/** Only `${VAR}` references, nothing literal: safe to print under a secret name. */
const ONLY_REFERENCES = /^(?:\$\{[A-Za-z_][A-Za-z0-9_]*\})+$/;

export function redactForPrint<T>(value: T): T {
  if (Array.isArray(value)) return value.map(redactForPrint) as T;
  if (typeof value === 'string') return redactUrl(value) as T;
  if (value !== null && typeof value === 'object') {
    return Object.fromEntries(Object.entries(value).map(([k, v]) => [k, isSecretName(k) ? hideLiterals(v) : redactForPrint(v)])) as T;
  }
  return value;
}

/** Under a secret name: literal scalars become REDACTED; references and structure (tokenFile paths) stay. */
function hideLiterals(value: unknown): unknown {
  if (value === undefined || value === null) return value;
  if (Array.isArray(value)) return value.map(hideLiterals);
  if (typeof value === 'object') return redactForPrint(value);
  return typeof value === 'string' && ONLY_REFERENCES.test(value) ? value : REDACTED;
}

function isLiteralSecret(text: string): boolean {
  if (text === '') return false;
  try {
    return !ONLY_REFERENCES.test(decodeURIComponent(text));
  } catch {
    return true;
  }
}

/**
 * `scheme://user:pass@host/path?token=x` -> `scheme://user:<redacted>@host/path?token=<redacted>`.
 * A user name alone is hidden too (`https://TOKEN@host` is how some services take a token). Text
 * that is not an absolute URL, or has nothing literal to hide, is returned unchanged (byte for byte).
 */
export function redactUrl(text: string): string {
  if (!/^[a-z][a-z0-9+.-]*:\/\//i.test(text)) return text;
  let url: URL;
  try {
    url = new URL(text);
  } catch {
    return text;
  }
  const HIDDEN = 'REDACTEDVALUE';
  let changed = false;
  if (isLiteralSecret(url.password)) {
    url.password = HIDDEN;
    changed = true;
  } else if (url.password === '' && isLiteralSecret(url.username)) {
    url.username = HIDDEN;
    changed = true;
  }
  for (const [name, value] of [...url.searchParams]) {
    if (isSecretName(name) && isLiteralSecret(value)) {
      url.searchParams.set(name, HIDDEN);
      changed = true;
    }
  }
  return changed ? url.href.replaceAll(HIDDEN, REDACTED) : text;
}

/** The path of every string holding REDACTED: a printed placeholder put back where a secret belongs. */
export function findRedacted(value: unknown, path: (string | number)[] = []): (string | number)[][] {
  if (typeof value === 'string') return value.includes(REDACTED) ? [path] : [];
  if (Array.isArray(value)) return value.flatMap((item, i) => findRedacted(item, [...path, i]));
  if (value !== null && typeof value === 'object') return Object.entries(value).flatMap(([k, v]) => findRedacted(v, [...path, k]));
  return [];
}
