/**
 * The rules `promtool check metrics` applies (prometheus/client_golang prometheus/testutil/promlint:
 * help text, counters end in `_total` and nothing else does, base units as suffixes, no
 * camelCase, no type name or reserved character in a name), plus the project's own: every metric
 * starts with one prefix, an `_info` metric is a gauge whose value is 1, and no family is
 * described twice. For a machine without promtool; the slow tier runs promtool itself.
 */

export interface Family {
  name: string;
  type: string | undefined;
  help: string | undefined;
  samples: Array<{ name: string; value: number }>;
}

/** HELP and TYPE per family (a repeated one is a problem), and each sample under its family. */
export function parseExposition(text: string, problems: string[]): Map<string, Family> {
  const families = new Map<string, Family>();
  const family = (name: string) => {
    let f = families.get(name);
    if (f === undefined) {
      f = { name, type: undefined, help: undefined, samples: [] };
      families.set(name, f);
    }
    return f;
  };
  for (const line of text.split('\n')) {
    const meta = /^# (HELP|TYPE) (\S+) ?(.*)$/.exec(line);
    if (meta !== null) {
      const f = family(meta[2]);
      const field = meta[1] === 'HELP' ? 'help' : 'type';
      if (f[field] !== undefined) problems.push(`${meta[2]}: second ${meta[1]} line`);
      f[field] = meta[3];
      continue;
    }
    const sample = /^([a-zA-Z_:][a-zA-Z0-9_:]*)(\{[^}]*\})? (\S+)/.exec(line);
    if (sample === null) continue;
    const owner = [...families.keys()]
      .reverse()
      .find((n) => sample[1] === n || (sample[1].startsWith(n) && /^_(bucket|sum|count|created)$/.test(sample[1].slice(n.length))));
    family(owner ?? sample[1]).samples.push({ name: sample[1], value: Number(sample[3]) });
  }
  return families;
}

const NON_BASE_UNITS =
  /_(milliseconds|microseconds|nanoseconds|minutes|hours|days|kilobytes|megabytes|gigabytes|ms|us|ns|sec|secs|kb|mb|gb|bits|percent)(_|$)/;

export function lintExposition(text: string, prefixes: readonly string[]): string[] {
  const problems: string[] = [];
  for (const f of parseExposition(text, problems).values()) {
    const { name, type } = f;
    if (!prefixes.some((p) => name.startsWith(p))) problems.push(`${name}: does not start with ${prefixes.join(' or ')}`);
    if (f.help === undefined || f.help === '') problems.push(`${name}: no help text`);
    if (type === undefined) problems.push(`${name}: no TYPE line`);
    if (type === 'counter' && !name.endsWith('_total')) problems.push(`${name}: counter metrics should have "_total" suffix`);
    if (type !== 'counter' && name.endsWith('_total')) problems.push(`${name}: non-counter metrics should not have "_total" suffix`);
    if (/[A-Z]/.test(name)) problems.push(`${name}: metric names should be written in 'snake_case' not 'camelCase'`);
    if (name.includes(':')) problems.push(`${name}: metric names should not contain ':'`);
    if (NON_BASE_UNITS.test(name)) problems.push(`${name}: use base units (seconds, bytes) as the suffix`);
    if (/_(counter|gauge|histogram|summary)(_|$)/.test(name)) problems.push(`${name}: metric name should not include its type`);
    if (name.endsWith('_info')) {
      if (type !== 'gauge') problems.push(`${name}: an _info metric is a gauge`);
      if (f.samples.some((s) => s.value !== 1)) problems.push(`${name}: an _info metric's value is always 1`);
    }
  }
  return problems;
}
