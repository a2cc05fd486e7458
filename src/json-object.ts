/** A parsed JSON (or YAML) value that is an object, not null and not an array: its fields can be read without a cast. */
export function isJsonObject(value: unknown): value is Record<string, unknown> {
  return value !== null && typeof value === 'object' && !Array.isArray(value);
}
