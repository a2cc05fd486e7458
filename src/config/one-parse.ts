/**
 * Options for a parse that runs once per process (a configuration, its writers' options): zod's
 * JIT would first compile a parser per object shape with `new Function`, which costs more than
 * the one parse it speeds up (about 10 ms of `export`'s start-up in a CPU profile). Problems are
 * worded by plain-issues.ts.
 */
import { plainIssueMessage } from './plain-issues.js';

export const ONE_PARSE = { jitless: true, error: plainIssueMessage } as const;
