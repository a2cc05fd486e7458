/** A real pino logger whose lines are kept in memory, so tests can grep logs for secrets. */
import { Writable } from 'node:stream';
import { createLogger, type Logger } from '../../src/log.js';

export function captureLog(level = 'debug'): { log: Logger; lines: string[]; text(): string } {
  const lines: string[] = [];
  const destination = new Writable({
    write(chunk, _encoding, done) {
      lines.push(String(chunk));
      done();
    },
  });
  // pino writes synchronously to a plain stream, so lines are present as soon as a call returns.
  const log = createLogger({ level, destination });
  return { log, lines, text: () => lines.join('') };
}
