/**
 * Signals of the two daemons (`serve`, `push --watch`), mapped to their one runtime: SIGHUP
 * reloads, SIGTERM and SIGINT shut down cleanly. Signals that arrive while the runtime starts are
 * remembered: a stop ends it as soon as it runs, a hangup reloads then. Installed before anything
 * else: SIGHUP's default action ends the process.
 */
import type { Logger } from '../log.js';
import { errorMessage } from '../errors.js';
import type { Runtime } from '../runtime/runtime.js';

export class DaemonSignals {
  private runtime?: Runtime;
  private hangupPending = false;
  private stopPending = false;
  private stopped?: () => void;
  private readonly onHangup = () => this.hangup();
  private readonly onStop = () => this.stop();

  constructor(private readonly log: Logger) {
    process.on('SIGHUP', this.onHangup).on('SIGTERM', this.onStop).on('SIGINT', this.onStop);
  }

  /** Resolves after a clean shutdown. */
  run(runtime: Runtime): Promise<void> {
    this.runtime = runtime;
    const done = new Promise<void>((resolve) => {
      this.stopped = resolve;
    });
    if (this.stopPending) this.stop();
    else if (this.hangupPending) this.hangup();
    return done;
  }

  detach(): void {
    process.off('SIGHUP', this.onHangup).off('SIGTERM', this.onStop).off('SIGINT', this.onStop);
  }

  private hangup(): void {
    this.hangupPending = this.runtime === undefined;
    // reload() never throws, so no SIGHUP can end the daemon.
    void this.runtime?.reload();
  }

  private stop(): void {
    const { runtime, stopped } = this;
    this.stopPending = true;
    if (runtime === undefined || stopped === undefined) return;
    this.detach();
    // Later signals are ignored, not fatal: a second SIGTERM must not cut the clean stop short.
    process.on('SIGHUP', ignore).on('SIGTERM', ignore).on('SIGINT', ignore);
    void runtime.shutdown().then(stopped, (error: unknown) => {
      this.log.error({ err: errorMessage(error) }, 'shutdown failed');
      stopped();
    });
  }
}

function ignore(): void {}
