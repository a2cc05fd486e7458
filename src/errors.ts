/**
 * The error hierarchy. Every error the tool raises on purpose is an ExporterError, so the CLI can
 * tell an expected failure (print the message, exit with its code) from a bug (print the stack).
 * Messages start with the component in brackets and never carry a secret.
 */

/**
 * Every exit code the CLI uses, and what it means: the error classes below, the commands and
 * main.ts take theirs from here, and README's "Exit codes" table is exitCodesMarkdown() (a test
 * compares the two).
 */
export const EXIT = {
  ok: 0,
  failed: 1,
  config: 2,
  apiban: 3,
  state: 4,
  refused: 5,
  device: 6,
  usage: 64,
  internal: 70,
  interrupted: 130,
} as const;

const EXIT_MEANINGS: Record<keyof typeof EXIT, string> = {
  ok: 'success',
  failed: 'a target or device limit was exceeded, or another expected failure; `check`: not listed (as `grep`)',
  config: 'the configuration, the value of a command-line option or an argument is invalid (`path: problem` lines on stderr)',
  apiban: 'APIBAN failed (unauthorized key, rate limit not recovered, malformed answers, network)',
  state: 'the state directory could not be read, written or locked',
  refused: 'refused to publish: the list is empty or shrank more than `guards.maxShrink` (use `--allow-empty` / `--force`)',
  device: 'a device rejected a command or failed during `push`',
  usage: 'unknown command or option, or a missing argument (a did-you-mean is printed when one is close)',
  internal: 'internal error (a bug: please report it with the stack trace)',
  interrupted: 'interrupted (SIGINT/SIGTERM during `sync`)',
};

/** README's exit-code table, from EXIT. */
export function exitCodesMarkdown(): string {
  const rows = (Object.keys(EXIT) as (keyof typeof EXIT)[]).map((name) => `| ${EXIT[name]} | ${EXIT_MEANINGS[name]} |`);
  return ['| code | meaning |', '|---|---|', ...rows].join('\n');
}

export class ExporterError extends Error {
  /** Process exit code the CLI uses when this error ends a command. */
  readonly exitCode: number = EXIT.failed;
  constructor(message: string, options?: { cause?: unknown }) {
    super(message, options);
    this.name = new.target.name;
  }
}

/** Raised when a string is not a strict IPv4/IPv6 address or CIDR (see banset/address.ts). */
export class InvalidAddressError extends ExporterError {
  constructor(
    readonly input: string,
    readonly reason: string,
  ) {
    super(`[address] ${JSON.stringify(truncate(input, 80))}: ${reason}`);
  }
}

/** Raised when the configuration file or environment is unusable; `problems` are `path: message` lines. */
export class ConfigError extends ExporterError {
  override readonly exitCode = EXIT.config;
  constructor(
    readonly source: string,
    readonly problems: string[],
  ) {
    super(`[config] ${source}: ${problems.length} problem(s)\n${problems.map((p) => `  ${p}`).join('\n')}`);
  }
}

/** Raised when a command-line option has a value it cannot take: one `--option: problem` line. */
export class OptionValueError extends ExporterError {
  override readonly exitCode = EXIT.config;
  constructor(option: string, problem: string) {
    super(`${option}: ${problem}`);
  }
}

/**
 * Raised by serve, sync and push when there is nothing real to publish: no APIBAN key and no
 * `sources`. The bundled sample is only ever published when a source asks for it by name, so a
 * missing key stops the daemon with this one line instead of serving documentation addresses.
 */
export class NoListSourceError extends ConfigError {
  constructor() {
    const problem =
      'no APIBAN key and no sources: set APIBAN_KEY (or apiban.key, apiban.keyFile), or configure `sources` (a local list; `{ name: sample, sample: true }` publishes the bundled demo list)';
    super('configuration', [problem]);
    // One line: the whole message is the problem (ConfigError lists several on lines of their own).
    this.message = `[config] ${problem}`;
  }
}

/** Raised when APIBAN answers with something other than a page, "caught up" or a check result. */
export class ApibanError extends ExporterError {
  override readonly exitCode = EXIT.apiban;
  constructor(
    message: string,
    readonly status?: number,
    options?: { cause?: unknown },
  ) {
    super(`[apiban] ${message}`, options);
  }
}

/** Raised on HTTP 403: the key is missing, wrong or revoked. Retrying will not help. */
export class ApibanUnauthorizedError extends ApibanError {}

/** Raised on HTTP 429 when the caller asked not to wait out the window. */
export class ApibanRateLimitError extends ApibanError {}

/** Raised when APIBAN's body cannot be parsed or has the wrong shape. */
export class ApibanMalformedError extends ApibanError {}

/** Raised when the persistent state cannot be read, written or locked. */
export class StateError extends ExporterError {
  override readonly exitCode = EXIT.state;
  constructor(message: string, options?: { cause?: unknown }) {
    super(`[state] ${message}`, options);
  }
}

/**
 * Raised when a set would be published or pushed although it is empty or shrank more than the
 * configured ratio; the caller must pass --allow-empty / --force to override.
 */
export class PublishRefusedError extends ExporterError {
  override readonly exitCode = EXIT.refused;
  constructor(message: string) {
    super(`[guard] ${message}`);
  }
}

/** Raised when a writer's output would exceed the device limit it declares (never a silent cut). */
export class TargetLimitError extends ExporterError {
  constructor(
    readonly target: string,
    readonly entries: number,
    readonly limit: number,
  ) {
    super(`[${target}] ${entries} entries exceed the device limit of ${limit}`);
  }
}

/** Raised when a device rejects a command, drops the session or times out during a push. */
export class DeviceError extends ExporterError {
  override readonly exitCode = EXIT.device;
  constructor(
    readonly device: string,
    readonly command: string | undefined,
    readonly output: string,
    options?: { cause?: unknown },
  ) {
    super(`[${device}] ${command === undefined ? '' : `${JSON.stringify(command)} rejected: `}${truncate(output.trim(), 400)}`, options);
  }
}

/**
 * Raised before any credential is sent when a device's SSH host key is not the pinned one, is
 * unknown (without --accept-new-host-key), changed against known_hosts, or revoked.
 * `fingerprint` is the presented key's SHA256 fingerprint, so the operator can check and pin it.
 */
export class HostKeyError extends DeviceError {
  constructor(
    device: string,
    readonly fingerprint: string,
    reason: string,
  ) {
    super(device, undefined, `host key ${fingerprint}: ${reason}`);
  }
}

/**
 * Raised when a device rejects a command (or the session breaks) in the middle of a change.
 * `applied` lists the configuration lines the device had already accepted: on a CLI without
 * transactions (Cisco) they stay in effect; `aborted` says whether the undo commands ran.
 */
export class DeviceChangeError extends DeviceError {
  constructor(
    device: string,
    command: string,
    output: string,
    readonly applied: readonly string[],
    readonly aborted: boolean,
  ) {
    const last = applied.length > 0 ? `, last: ${JSON.stringify(applied[applied.length - 1])}` : '';
    super(
      device,
      command,
      `(${applied.length} line(s) applied before it${last}; ${aborted ? 'abort commands sent' : 'abort not possible'}) ${output.trim()}`,
    );
  }
}

export function truncate(text: string, max: number): string {
  return text.length <= max ? text : `${text.slice(0, max)}…`;
}

/** The operating system's error code (ENOENT, EACCES...) of anything thrown, or undefined. */
export function errorCode(error: unknown): string | undefined {
  const code = error !== null && typeof error === 'object' ? (error as { code?: unknown }).code : undefined;
  return typeof code === 'string' ? code : undefined;
}

/** The message of anything thrown: an Error's own message, else the value as text. */
export function errorMessage(error: unknown): string {
  return error instanceof Error ? error.message : String(error);
}

/** What went wrong in one word when there is a code (ENOENT), else the thrown thing's message. */
export function errorDetail(error: unknown): string {
  return errorCode(error) ?? errorMessage(error);
}

/**
 * Raised when a file cannot be written (`export --out`, state files): names the file and the
 * operating system's reason. `code` is the errno name (ENOSPC, EROFS, EACCES...).
 */
export class FileWriteError extends ExporterError {
  override readonly exitCode = EXIT.state;
  readonly code: string | undefined;
  constructor(
    readonly path: string,
    cause: unknown,
  ) {
    super(`[file] cannot write ${path}: ${describeSystemError(cause, path)}`, { cause });
    this.code = errorCode(cause);
  }
}

/** `read-only file system (EROFS)`; the failing call is named when it was not on `path` itself or its temp file. */
function describeSystemError(cause: unknown, path: string): string {
  const error = cause as NodeJS.ErrnoException;
  if (error.code === undefined) return String(error.message ?? cause);
  const reason = error.message.replace(/^[A-Z0-9_]+: /, '').replace(/, \w+( '.*')?$/, '');
  const where =
    error.syscall !== undefined && error.path !== undefined && !error.path.startsWith(path) ? `, ${error.syscall} ${error.path}` : '';
  return `${reason} (${error.code}${where})`;
}
