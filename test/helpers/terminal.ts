/**
 * Runs the real CLI on a pseudo-terminal and keeps the screen a person would see. The terminal is
 * util-linux `script` (in Debian's essential bsdutils, so on every machine, no native build):
 * `script -qfec CMD /dev/null` gives CMD a pty and copies what it writes to our pipe, flushed as
 * it comes (man script(1)). What arrives is fed to @xterm/headless, xterm.js's terminal emulator
 * without a browser, which applies carriage returns, erases and wrapping as a terminal does; the
 * tests read its lines, not the raw bytes.
 */
import { spawn } from 'node:child_process';
import xterm from '@xterm/headless';
import { CLI_ARGS } from './paths.js';

export interface TerminalOptions {
  env?: NodeJS.ProcessEnv;
  columns?: number;
  rows?: number;
}

export class TerminalRun {
  /** Everything the child wrote, raw (for "no control characters" checks on other runs). */
  raw = '';
  readonly exit: Promise<number | null>;
  private readonly terminal: InstanceType<typeof xterm.Terminal>;
  private readonly watchers = new Set<() => void>();

  /** Starts `apiban-exporter ARGS` on a `columns` x `rows` terminal. */
  constructor(args: readonly string[], options: TerminalOptions = {}) {
    const columns = options.columns ?? 120;
    const rows = options.rows ?? 40;
    this.terminal = new xterm.Terminal({ cols: columns, rows, scrollback: 5000, allowProposedApi: true });
    // The pty's size is set inside it (stty), where Node reads it for process.stderr.columns.
    const command = `stty cols ${columns} rows ${rows}; exec ${[process.execPath, ...CLI_ARGS, ...args].map(shellQuote).join(' ')}`;
    const child = spawn('script', ['-qfec', command, '/dev/null'], {
      env: { PATH: process.env.PATH, HOME: process.env.HOME, TERM: 'xterm-256color', ...options.env },
      stdio: ['pipe', 'pipe', 'inherit'],
    });
    child.stdout.setEncoding('utf8');
    child.stdout.on('data', (chunk: string) => {
      this.raw += chunk;
      this.terminal.write(chunk, () => {
        for (const watcher of this.watchers) watcher();
      });
    });
    const closed = new Promise<number | null>((resolve, reject) => {
      child.on('error', reject);
      child.on('close', (code) => resolve(code));
    });
    // The last chunk is applied to the screen before `exit` settles.
    this.exit = closed.then((code) => new Promise((resolve) => this.terminal.write('', () => resolve(code))));
    this.kill = () => child.kill('SIGKILL');
  }

  readonly kill: () => void;

  /**
   * The screen and its scrollback as lines the program wrote (a line the terminal wrapped is
   * joined again), without trailing blanks, trailing empty lines dropped.
   */
  lines(): string[] {
    const buffer = this.terminal.buffer.active;
    const lines: string[] = [];
    for (let i = 0; i < buffer.length; i++) {
      const row = buffer.getLine(i);
      // A row the next one continues keeps its trailing blanks: they are part of the line.
      const text = row?.translateToString(!buffer.getLine(i + 1)?.isWrapped) ?? '';
      if (row?.isWrapped && lines.length > 0) lines[lines.length - 1] += text;
      else lines.push(text);
    }
    while (lines.length > 0 && lines.at(-1) === '') lines.pop();
    return lines;
  }

  /** The line the cursor is on (where a progress line is drawn). */
  cursorLine(): string {
    const buffer = this.terminal.buffer.active;
    return buffer.getLine(buffer.baseY + buffer.cursorY)?.translateToString(true) ?? '';
  }

  /**
   * Resolves with the screen once `seen` holds for it (checked after every chunk the child
   * writes); rejects, showing the screen, if the child exits first.
   */
  waitFor(seen: (run: TerminalRun) => boolean, what: string): Promise<void> {
    return new Promise((resolve, reject) => {
      const check = () => {
        if (!seen(this)) return;
        this.watchers.delete(check);
        resolve();
      };
      this.watchers.add(check);
      check();
      void this.exit.then(() => {
        if (!this.watchers.has(check)) return;
        this.watchers.delete(check);
        reject(new Error(`the command ended before the terminal showed ${what}; screen:\n${this.lines().join('\n')}`));
      });
    });
  }
}

function shellQuote(word: string): string {
  return `'${word.replace(/'/g, `'\\''`)}'`;
}
