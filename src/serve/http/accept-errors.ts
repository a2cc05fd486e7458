/**
 * Accept failures, said out loud. When the process runs out of file descriptors, libuv frees a
 * spare descriptor it keeps for this, accepts and closes each waiting connection, and reports
 * nothing (its "EMFILE trick", src/unix/stream.c; https://github.com/joyent/libuv/commit/b3ab332),
 * so node:http emits no event and an operator saw only time-outs. So the
 * listener checks once a second that one more descriptor can be opened, logs EMFILE / ENFILE while
 * it cannot and once when it can again. Accept errors that do reach Node arrive as the server's
 * 'error' event (https://nodejs.org/api/net.html#event-error_1), which, with no listener, would
 * end the daemon; they are logged instead. Either way at most one line a second, with how many
 * were left out since the last one.
 */
import { open } from 'node:fs/promises';
import type { Server } from 'node:net';
import { errorCode } from '../../errors.js';
import type { Logger } from '../../log.js';

const WHY: Record<string, string> = {
  EMFILE: 'this process has no file descriptor left (raise LimitNOFILE= / ulimit -n, or find what holds them)',
  ENFILE: 'the system has no file descriptor left',
};

/** Watches `server` until it closes. */
export function watchAcceptErrors(server: Server, log: Logger, intervalMs = 1000): void {
  let lastLogged = Number.NEGATIVE_INFINITY;
  let leftOut = 0;
  let exhausted = false;
  const report = (code: string, syscall: string) => {
    const now = Date.now();
    if (now - lastLogged < intervalMs) {
      leftOut++;
      return;
    }
    lastLogged = now;
    const why = WHY[code] ?? 'see the code';
    log.error({ component: 'serve', code, syscall, leftOut }, `cannot accept connections: ${code} (${why}); new connections are dropped`);
    leftOut = 0;
  };
  const onError = (error: NodeJS.ErrnoException) => report(errorCode(error) ?? 'error', error.syscall ?? 'accept');
  // After the bind: listen() reports its own failures (address in use) as a configuration error.
  const watch = () => server.on('error', onError);
  if (server.listening) watch();
  else server.once('listening', watch);

  const probe = async () => {
    try {
      await (await open('/dev/null', 'r')).close();
      if (exhausted) log.info({ component: 'serve' }, 'file descriptors available again: accepting connections');
      exhausted = false;
    } catch (error) {
      const code = errorCode(error);
      if (code !== 'EMFILE' && code !== 'ENFILE') return;
      exhausted = true;
      report(code, 'accept');
    }
  };
  // /dev/null is POSIX; elsewhere only the 'error' event speaks.
  const timer = process.platform === 'win32' ? undefined : setInterval(() => void probe(), intervalMs);
  timer?.unref();
  server.once('close', () => {
    clearInterval(timer);
    server.off('listening', watch).off('error', onError);
  });
}
