/**
 * Progress of `sync` on a terminal: pages fetched and entries so far, and while the pacer holds a
 * request back, how long is left and why ("waiting 47 s: APIBAN allows 11 requests per 2
 * minutes"), counted down each second, so a full download of a large list does not look hung.
 * It draws on the terminal's status line (src/cli/status-line.ts), which log lines are written
 * above; the line is cleared at the end so the summary prints on a clean line.
 */
import type { SyncProgress } from './sync-options.js';

type WaitEvent = Extract<SyncProgress, { kind: 'wait' }>;

/** Where the progress is drawn (src/cli/status-line.ts). */
export interface ProgressLine {
  show(text: string): void;
  clear(): void;
}

/** The clock and the one-second tick, replaceable in tests. */
export interface Ticker {
  now(): number;
  every(ms: number, tick: () => void): () => void;
}

const realTicker: Ticker = {
  now: () => performance.now(),
  every: (ms, tick) => {
    // Unref'd: the pacer's own sleep keeps the process alive while it waits, the tick must not.
    const timer = setInterval(tick, ms).unref();
    return () => clearInterval(timer);
  },
};

export class ProgressRenderer {
  private pages = 0;
  private entries = 0;
  private stopCountdown: (() => void) | undefined;

  constructor(
    private readonly line: ProgressLine,
    private readonly ticker: Ticker = realTicker,
  ) {}

  readonly onProgress = (event: SyncProgress): void => {
    this.stopCountdown?.();
    this.stopCountdown = undefined;
    if (event.kind === 'page') {
      this.pages = event.pages;
      this.entries = event.entries;
      this.line.show(this.counts());
    } else {
      this.countDown(event);
    }
  };

  /** Clears the line before the summary is printed. */
  finish(): void {
    this.stopCountdown?.();
    this.stopCountdown = undefined;
    this.line.clear();
  }

  /** Redraws the wait each second with what is left of it (whole seconds, rounded up). */
  private countDown(event: WaitEvent): void {
    const until = this.ticker.now() + event.ms;
    const draw = () => {
      const left = Math.max(0, Math.ceil((until - this.ticker.now()) / 1000));
      this.line.show(`${this.counts()}; waiting ${left} s: ${waitReason(event)}`);
    };
    draw();
    this.stopCountdown = this.ticker.every(1000, draw);
  }

  private counts(): string {
    return `sync: ${this.pages} page(s), ${this.entries} entries so far`;
  }
}

/** The wait as one sentence, for the progress line and, off a terminal, the one log line. */
export function describeWait(event: WaitEvent): string {
  return `waiting ${Math.ceil(event.ms / 1000)} s: ${waitReason(event)}`;
}

export function waitReason(event: WaitEvent): string {
  if (event.reason === 'rate-limited') return 'APIBAN answered 429 (rate limited), waiting out its window';
  return `APIBAN allows ${event.budget.requests} requests per ${formatWindow(event.budget.windowMs)}`;
}

function formatWindow(ms: number): string {
  if (ms % 60_000 === 0) return ms === 60_000 ? 'minute' : `${ms / 60_000} minutes`;
  if (ms % 1000 === 0) return ms === 1000 ? 'second' : `${ms / 1000} seconds`;
  return `${ms} ms`;
}
