/** Durations in config: `90s`, `5m`, `12h`, `7d`, or a bare number of seconds. */
import { z } from 'zod';

const UNITS: Record<string, number> = { ms: 1, s: 1000, m: 60_000, h: 3_600_000, d: 86_400_000 };

export function parseDuration(text: string): number | undefined {
  const match = /^(\d+(?:\.\d+)?)(ms|s|m|h|d)$/.exec(text.trim());
  return match ? Number(match[1]) * UNITS[match[2]] : undefined;
}

/** A zod field that takes a duration string or seconds and yields milliseconds. */
export function duration(defaultValue: string) {
  return z
    .union([z.number().nonnegative(), z.string()])
    .default(defaultValue)
    .transform((value, ctx) => {
      const ms = typeof value === 'number' ? value * 1000 : parseDuration(value);
      if (ms === undefined) {
        ctx.addIssue({ code: 'custom', message: `${JSON.stringify(value)} is not a duration (use e.g. 90s, 5m, 12h, 7d)` });
        return z.NEVER;
      }
      return ms;
    });
}
