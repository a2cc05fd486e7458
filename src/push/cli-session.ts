/**
 * An interactive device CLI over a PTY shell, the way netmiko drives one: send a line, read
 * until the prompt comes back, answer the pager with a space, strip terminal noise and the echo.
 * Pagers seen: IOS `--More--` (erased with backspaces after the space), ASA `<--- More --->`,
 * Junos `---(more)---` / `---(more 42%)---`. Prompts are matched against the last output line
 * only, so a prompt-like string earlier in the output cannot end a command early.
 */
import type { ClientChannel } from 'ssh2';
import { DeviceError, truncate } from '../errors.js';
import type { Logger } from '../log.js';
import { ANSI_ESCAPE, PAGER_PROMPT } from '../writers/terminal-artefacts.js';

export interface CliSessionOptions {
  /** Matches the device prompt in every mode (exec, enable, config, Junos [edit]). */
  prompt: RegExp;
  commandTimeoutMs: number;
}

// IOS erases the pager prompt with backspaces, spaces, backspaces.
// biome-ignore lint/suspicious/noControlCharactersInRegex: the backspaces IOS sends are what this matches
const ERASE = /\x08+ *\x08*/g;
const PASSWORD_PROMPT = /[Pp]assword:\s*$/;

interface Waiter {
  until: RegExp;
  resolve: (text: string) => void;
  reject: (error: Error) => void;
}

export class CliSession {
  private buffer = '';
  private waiter: Waiter | undefined;
  private closedReason: string | undefined;

  constructor(
    private readonly stream: ClientChannel,
    readonly device: string,
    signal: AbortSignal,
    private readonly options: CliSessionOptions,
    private readonly log: Logger,
  ) {
    stream.on('data', (chunk: Buffer) => this.receive(chunk.toString('utf8')));
    stream.stderr?.on('data', (chunk: Buffer) => this.receive(chunk.toString('utf8')));
    stream.on('close', () => this.fail('the device closed the session'));
    signal.addEventListener('abort', () => this.fail('timed out or stopped'), { once: true });
  }

  /** Sends one command and returns what it printed, without the echo and the next prompt. */
  async run(command: string, timeoutMs = this.options.commandTimeoutMs): Promise<string> {
    if (/[\r\n]/.test(command)) throw new DeviceError(this.device, command, 'refusing a command that contains a line break');
    this.log.trace({ device: this.device, command }, 'send');
    const text = await this.exchange(`${command}\n`, this.options.prompt, timeoutMs, command);
    return stripEchoAndPrompt(text, command);
  }

  /** Reads up to the next prompt (the login banner and first prompt). */
  waitForPrompt(timeoutMs = this.options.commandTimeoutMs): Promise<string> {
    return this.exchange(undefined, this.options.prompt, timeoutMs, 'waiting for the prompt');
  }

  /** The last prompt line seen (e.g. `Router>`), for mode decisions such as enable. */
  get lastPrompt(): string {
    return this.prompt;
  }

  /** Cisco privileged mode: `enable`, then the password, which is never echoed or logged. */
  async enable(password: string): Promise<void> {
    if (this.prompt.trimEnd().endsWith('#')) return;
    const either = new RegExp(`${PASSWORD_PROMPT.source}|${this.options.prompt.source}`);
    const reply = await this.exchange('enable\n', either, this.options.commandTimeoutMs, 'enable');
    if (PASSWORD_PROMPT.test(lastLine(reply)))
      await this.exchange(`${password}\n`, this.options.prompt, this.options.commandTimeoutMs, 'enable');
    if (!this.prompt.trimEnd().endsWith('#')) throw new DeviceError(this.device, 'enable', 'enable mode refused (wrong enable password?)');
  }

  close(): void {
    this.closedReason ??= 'closed';
    this.stream.end('exit\n');
    this.stream.close();
  }

  private prompt = '';

  private exchange(text: string | undefined, until: RegExp, timeoutMs: number, what: string): Promise<string> {
    if (this.closedReason !== undefined) return Promise.reject(this.closedError(what));
    return new Promise<string>((resolve, reject) => {
      const timer = setTimeout(() => {
        this.waiter = undefined;
        reject(
          new DeviceError(
            this.device,
            what,
            `no prompt within ${timeoutMs} ms; last output: ${JSON.stringify(truncate(this.buffer.slice(-200), 200))}`,
          ),
        );
      }, timeoutMs);
      this.waiter = {
        until,
        resolve: (out) => {
          clearTimeout(timer);
          resolve(out);
        },
        reject: (error) => {
          clearTimeout(timer);
          reject(error);
        },
      };
      if (text !== undefined) this.stream.write(text);
      else this.check();
    });
  }

  private receive(chunk: string): void {
    this.buffer += chunk.replace(ANSI_ESCAPE, '').replace(ERASE, '').replace(/\r/g, '');
    this.check();
  }

  private check(): void {
    const tail = lastLine(this.buffer);
    if (PAGER_PROMPT.test(tail)) {
      this.buffer = this.buffer.slice(0, this.buffer.length - tail.length);
      this.stream.write(' ');
      return;
    }
    const waiter = this.waiter;
    if (waiter === undefined || !waiter.until.test(tail)) return;
    const text = this.buffer;
    this.prompt = tail;
    this.buffer = '';
    this.waiter = undefined;
    waiter.resolve(text);
  }

  private fail(reason: string): void {
    if (this.closedReason !== undefined) return;
    this.closedReason = reason;
    const waiter = this.waiter;
    this.waiter = undefined;
    waiter?.reject(this.closedError('waiting for output'));
  }

  private closedError(what: string): DeviceError {
    const last = this.buffer.trim() === '' ? '' : `; last output: ${JSON.stringify(truncate(this.buffer.slice(-200), 200))}`;
    return new DeviceError(this.device, undefined, `${this.closedReason} while ${what}${last}`);
  }
}

function lastLine(text: string): string {
  return text.slice(text.lastIndexOf('\n') + 1);
}

/** Drops the echoed command line and the trailing prompt line. */
export function stripEchoAndPrompt(text: string, command: string): string {
  const lines = text.split('\n');
  lines.pop();
  if (lines.length > 0 && command !== '' && lines[0].trimEnd().endsWith(command)) lines.shift();
  return lines.join('\n');
}
