/**
 * Validation problems in plain words: zod's own texts ("Invalid input: expected string, received
 * number") become what a person would say ("expected text, got a number"), and an unknown key
 * names the closest known one. The error map of every parse of a configuration or of a writer's
 * options (`ONE_PARSE`); messages a schema gives itself take precedence
 * (https://zod.dev/error-customization, "Error precedence"). Outside src/config because writers'
 * option fields (a duration) word their problems with it too, and writers never import the config.
 */
import * as z from 'zod';
import { didYouMean } from './did-you-mean.js';

type Issue = z.core.$ZodRawIssue;

const KINDS: Record<string, string> = {
  string: 'text',
  number: 'a number',
  int: 'a whole number',
  boolean: 'true or false',
  array: 'a list',
  object: 'a mapping (key: value lines)',
  record: 'a mapping (key: value lines)',
};

/** What was given, in words; strings and numbers only by kind where they might be a misplaced secret. */
export function describeInput(input: unknown, echo = true): string {
  if (input === undefined) return 'nothing';
  if (input === null) return 'null (an empty value)';
  if (Array.isArray(input)) return 'a list';
  if (typeof input === 'object') return 'a mapping';
  if (typeof input === 'boolean') return String(input);
  if (!echo) return typeof input === 'number' ? 'a number' : 'text';
  const text = JSON.stringify(input);
  return text.length > 40 ? `${text.slice(0, 40)}…` : text;
}

/**
 * One line per unknown key, in the order of `issue.keys`: formatIssues puts each after its key's
 * path. The known keys come from the object schema that raised the issue.
 */
function unknownKeys(issue: Issue & { keys?: string[] }): string {
  const known = issue.inst instanceof z.ZodObject ? Object.keys(issue.inst.shape) : [];
  return (issue.keys ?? []).map((key) => `unknown key${didYouMean(key, known)}`).join('\n');
}

function invalidType(issue: Issue & { expected?: string }): string {
  const expected = issue.expected ?? 'something else';
  if (issue.input === undefined) return `missing (expected ${KINDS[expected] ?? expected})`;
  return `expected ${KINDS[expected] ?? expected}, got ${describeInput(issue.input, expected !== 'string')}`;
}

function tooSmall(issue: Issue & { origin?: string; minimum?: number | bigint }): string | undefined {
  const minimum = Number(issue.minimum);
  if (issue.origin === 'string') return minimum <= 1 ? 'must not be empty' : `needs at least ${minimum} characters`;
  if (issue.origin === 'array') return `needs at least ${minimum} entries`;
  if (issue.origin === 'number') return `must be at least ${minimum}, got ${describeInput(issue.input)}`;
  return undefined;
}

function tooBig(issue: Issue & { origin?: string; maximum?: number | bigint }): string | undefined {
  const maximum = Number(issue.maximum);
  if (issue.origin === 'number') return `must be at most ${maximum}, got ${describeInput(issue.input)}`;
  if (issue.origin === 'string') return `must be at most ${maximum} characters`;
  return undefined;
}

function invalidValue(issue: Issue & { values?: readonly unknown[] }): string {
  const values = (issue.values ?? []).map(String);
  const got = typeof issue.input === 'string' ? didYouMean(issue.input, values) : '';
  return `expected one of ${values.join(', ')}, got ${describeInput(issue.input)}${got}`;
}

export function plainIssueMessage(issue: Issue): string | undefined {
  switch (issue.code) {
    case 'unrecognized_keys':
      return unknownKeys(issue);
    case 'invalid_type':
      return invalidType(issue);
    case 'too_small':
      return tooSmall(issue);
    case 'too_big':
      return tooBig(issue);
    case 'invalid_value':
      return invalidValue(issue);
    case 'invalid_format':
      return issue.format === 'url'
        ? `expected a URL like https://host/path, got ${describeInput(issue.input)}`
        : `${describeInput(issue.input)} is not in the expected format`;
    default:
      return undefined;
  }
}

/**
 * Options for a parse that runs once per process (a configuration, its writers' options): zod's
 * JIT would first compile a parser per object shape with `new Function`, which costs more than
 * the one parse it speeds up (about 10 ms of `export`'s start-up in a CPU profile).
 */
export const ONE_PARSE = { jitless: true, error: plainIssueMessage } as const;
