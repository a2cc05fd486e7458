/** Secrets never leave the process: `config print` and error context pass through here. */
const SECRET_FIELD = /^(key|password|secret|token|tokens|passphrase|privateKey|apiSecret|apiKey|bearer)$/i;

export function redactConfig<T>(value: T): T {
  if (Array.isArray(value)) return value.map(redactConfig) as T;
  if (value !== null && typeof value === 'object') {
    return Object.fromEntries(
      Object.entries(value).map(([k, v]) => [k, SECRET_FIELD.test(k) && v !== undefined && v !== null ? '[redacted]' : redactConfig(v)]),
    ) as T;
  }
  return value;
}
