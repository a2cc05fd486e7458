/**
 * Progress of `sync` on a terminal: pages fetched and entries so far, and while the pacer holds a
 * request back, how long and why ("waiting 47 s: APIBAN allows 11 requests per 2 minutes"), so a
 * full download of a large list does not look hung. One line, rewritten in place with a
 * carriage return; the line is cleared at the end so the summary prints on a clean line.
 */
import type { SyncProgress } from './sync-options.js';

export interface ProgressLine {
  write(text: string): unknown;
}

export class ProgressRenderer {
  private pages = 0;
  private entries = 0;
  private shown = false;

  constructor(private readonly out: ProgressLine) {}

  readonly onProgress = (event: SyncProgress): void => {
    if (event.kind === 'page') {
      this.pages = event.pages;
      this.entries = event.entries;
      this.show(this.counts());
    } else {
      this.show(`${this.counts()}; waiting ${Math.ceil(event.ms / 1000)} s: ${waitReason(event)}`);
    }
  };

  /** Clears the line before the summary is printed. */
  finish(): void {
    if (this.shown) this.out.write('\r\x1b[K');
    this.shown = false;
  }

  private counts(): string {
    return `sync: ${this.pages} page(s), ${this.entries} entries so far`;
  }

  private show(text: string): void {
    this.out.write(`\r\x1b[K${text}`);
    this.shown = true;
  }
}

export function waitReason(event: Extract<SyncProgress, { kind: 'wait' }>): string {
  if (event.reason === 'rate-limited') return 'APIBAN answered 429 (rate limited), waiting out its window';
  return `APIBAN allows ${event.budget.requests} requests per ${formatWindow(event.budget.windowMs)}`;
}

function formatWindow(ms: number): string {
  if (ms % 60_000 === 0) return ms === 60_000 ? 'minute' : `${ms / 60_000} minutes`;
  if (ms % 1000 === 0) return ms === 1000 ? 'second' : `${ms / 1000} seconds`;
  return `${ms} ms`;
}
