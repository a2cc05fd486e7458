/**
 * Durations as people write them, in the configuration, writers' options and command-line options:
 * `90s`, `5m`, `12h`, `7d`, or a bare number of seconds.
 */
import * as z from 'zod';
import { describeInput } from './plain-issues.js';

const UNITS: Record<string, number> = { ms: 1, s: 1000, m: 60_000, h: 3_600_000, d: 86_400_000 };

/** Node's timers hold at most 2^31-1 ms (24.8 days); a longer delay fires after 1 ms instead. */
export const MAX_TIMER_MS = 2 ** 31 - 1;

export function parseDuration(text: string): number | undefined {
  const match = /^(\d+(?:\.\d+)?)(ms|s|m|h|d)$/.exec(text.trim());
  return match ? Number(match[1]) * UNITS[match[2]] : undefined;
}

/**
 * A zod field that takes a duration string or seconds and yields milliseconds. Zero is refused
 * everywhere: no setting here means "off" at zero (a zero budget window would turn pacing off, a
 * zero interval would sync in a loop, a zero HTTP timeout would disable it). `timer` fields are
 * given to setTimeout, so they must also fit Node's timer range.
 */
export function duration(defaultValue: string, options: { timer?: boolean } = {}) {
  return durationInput().default(defaultValue).transform(toMilliseconds(options));
}

/** A duration that may be left out, for a default that depends on other settings: undefined then. */
export function optionalDuration(options: { timer?: boolean } = {}) {
  const convert = toMilliseconds(options);
  return durationInput()
    .optional()
    .transform((value, ctx) => (value === undefined ? undefined : convert(value, ctx)));
}

function durationInput() {
  return z
    .union([z.number(), z.string()], { error: (issue) => `expected a duration like 5m, got ${describeInput(issue.input)}` })
    .meta({ format: 'duration' });
}

function toMilliseconds(options: { timer?: boolean }) {
  return (value: number | string, ctx: z.RefinementCtx): number => {
    const ms = typeof value === 'number' ? value * 1000 : parseDuration(value);
    if (ms === undefined || !Number.isFinite(ms)) {
      ctx.addIssue({ code: 'custom', message: `${JSON.stringify(value)} is not a duration (use e.g. 90s, 5m, 12h, 7d)` });
      return z.NEVER;
    }
    if (ms < 1) {
      ctx.addIssue({ code: 'custom', message: `${JSON.stringify(value)}: must be at least 1ms (zero or negative makes no sense here)` });
      return z.NEVER;
    }
    if (options.timer && ms > MAX_TIMER_MS) {
      ctx.addIssue({ code: 'custom', message: `${JSON.stringify(value)}: at most 24d (the longest delay a timer can wait)` });
      return z.NEVER;
    }
    return ms;
  };
}
