/**
 * The one line at the bottom of a terminal that says what a command is doing now (sync pages and
 * waits, push phases). Everything else written to stderr while it shows, log lines above all,
 * goes through `writeAbove`: the line is erased, the text written, and the line drawn again
 * under it, in one write, so a log line never lands inside the status line.
 *
 * Only on a terminal: off a terminal (pipes, systemd) nothing here runs and output stays plain
 * lines. The erase is `CR` + `CSI K` (Erase in Line, to its end: ECMA-48 8.3.41,
 * https://invisible-island.net/xterm/ctlseqs/ctlseqs.html "CSI Ps K"); the text is cut to the
 * terminal's width, since a wrapped line would leave its first half behind when erased.
 */
import type { LogDestination } from '../log.js';

const ERASE_LINE = '\r\x1b[K';

export class StatusLine {
  private text = '';

  /** `columns` reads the terminal's width at each draw (it changes when the window is resized). */
  constructor(
    private readonly out: LogDestination,
    private readonly columns: () => number | undefined = () => undefined,
  ) {}

  /** Replaces the status line. */
  show(text: string): void {
    this.text = this.fit(text);
    this.out.write(`${ERASE_LINE}${this.text}`);
  }

  /** Erases the status line (before a command's result is printed). */
  clear(): void {
    if (this.text !== '') this.out.write(ERASE_LINE);
    this.text = '';
  }

  /** Writes whole lines above the status line, which stays at the bottom. */
  writeAbove(lines: string): void {
    this.out.write(this.text === '' ? lines : `${ERASE_LINE}${lines}${this.text}`);
  }

  /** A destination for the logger (src/log.ts): each log line is written above the status line. */
  readonly logSink: LogDestination = { write: (line: string) => this.writeAbove(line) };

  /** One character short of the width: a line that fills it puts some terminals' cursor on the next. */
  private fit(text: string): string {
    const line = text.replace(/[\r\n]+/g, ' ');
    const width = this.columns();
    if (width === undefined || width < 2) return line;
    const characters = [...line];
    return characters.length < width ? characters.join('') : `${characters.slice(0, width - 2).join('')}…`;
  }
}
