/** `HOST:PORT` or `[v6]:PORT`, as `serve.listen` and `--listen` take it; port 0 binds any free port. */
export interface ListenAddress {
  host: string;
  port: number;
}

/** The address, or why the text is not one. */
export function parseListenAddress(text: string): ListenAddress | string {
  const match = /^(?:\[([0-9A-Fa-f:.]+)\]|([^:\s[\]]+)):(\d{1,5})$/.exec(text);
  if (match === null) return `${JSON.stringify(text)} is not HOST:PORT (use [v6]:PORT for IPv6)`;
  const port = Number(match[3]);
  if (port > 65535) return `${JSON.stringify(text)}: port ${port} is out of range (0-65535)`;
  return { host: match[1] ?? match[2], port };
}
