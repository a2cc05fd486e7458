/**
 * A value the test expects to be there: a failure that names it when it is not, where a `!` would
 * fail later with "cannot read properties of undefined".
 */
export function present<T>(value: T | null | undefined, what: string): T {
  if (value === undefined || value === null) throw new Error(`expected ${what}, found ${String(value)}`);
  return value;
}
