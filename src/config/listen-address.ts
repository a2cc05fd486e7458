/**
 * `HOST:PORT`, `[v6]:PORT` or `:PORT` (every address), as `serve.listen` and `--listen` take it;
 * port 0 binds any free port.
 */
export interface ListenAddress {
  /** undefined: every address (Node listens on `::`, dual-stack, or `0.0.0.0` without IPv6). */
  host: string | undefined;
  port: number;
}

/** The address, or why the text is not one. */
export function parseListenAddress(text: string): ListenAddress | string {
  const match = /^(?:\[([0-9A-Fa-f:.]+)\]|([^:\s[\]]*)):(\d{1,5})$/.exec(text);
  if (match === null) return `${JSON.stringify(text)} is not HOST:PORT (use [v6]:PORT for IPv6, :PORT for every address)`;
  const port = Number(match[3]);
  if (port > 65535) return `${JSON.stringify(text)}: port ${port} is out of range (0-65535)`;
  const host = match[1] ?? match[2];
  return { host: host === '' ? undefined : host, port };
}
