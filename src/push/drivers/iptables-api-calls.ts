/**
 * The calls the iptables-api driver makes, with the daemon's exact answers checked
 * (palner/iptables-api go/iptables-api.go): anything but the documented success is a failure,
 * so a partial `/flushchain` (`ipv6<error text>`, not always valid JSON) or an unexpected body is
 * never counted as done.
 */
import type { HttpDevice } from './http.js';

/** What /flushchain answers when both families were flushed; any other body means one failed. */
const FLUSHED = '{"result":"ipv4 flushed. ipv6 flushed. "}';

export type Presence = 'present' | 'inserted' | 'unsupported';

export class IptablesApiCalls {
  /** Calls that changed (or may have changed) the chain. */
  sent = 0;

  constructor(private readonly http: HttpDevice) {}

  async flush(): Promise<void> {
    this.sent++;
    const reply = await this.http.call('GET', '/flushchain');
    if (reply.text.trim() !== FLUSHED)
      throw this.http.failure('GET', '/flushchain', `the flush did not complete for both families: ${reply.text}`);
  }

  /** AppendUnique on the daemon: answers "added" whether or not the address was there. */
  async add(address: string): Promise<void> {
    await this.expectSuccess(`/addip/${address}`, ['added']);
  }

  /** DeleteIfExists: "deleted" (older builds: "removed") whether or not it was there. */
  async remove(address: string): Promise<void> {
    await this.expectSuccess(`/removeip/${address}`, ['deleted', 'removed']);
  }

  /**
   * /puship checks with `iptables -C` first: 400 "ip already exists" proves the rule is in the
   * chain; otherwise the daemon inserts it and answers "pushed". Builds before /puship answer 404.
   */
  async probe(address: string): Promise<Presence> {
    const path = `/puship/${address}`;
    const reply = await this.http.send('GET', path);
    if (reply.status === 400 && successOrError(reply.text).error === 'ip already exists') return 'present';
    if (reply.status === 404 && !reply.text.startsWith('{')) return 'unsupported';
    this.sent++;
    if (reply.status === 200 && successOrError(reply.text).success === 'pushed') return 'inserted';
    throw this.http.failure('GET', path, `HTTP ${reply.status}: ${reply.text}`);
  }

  private async expectSuccess(path: string, accepted: string[]): Promise<void> {
    this.sent++;
    const reply = await this.http.call('GET', path);
    const answer = successOrError(reply.text).success;
    if (answer === undefined || !accepted.includes(answer)) throw this.http.failure('GET', path, `unexpected answer: ${reply.text}`);
  }
}

function successOrError(text: string): { success?: string | undefined; error?: string | undefined } {
  try {
    const parsed = JSON.parse(text) as { success?: unknown; error?: unknown };
    return {
      success: typeof parsed.success === 'string' ? parsed.success : undefined,
      error: typeof parsed.error === 'string' ? parsed.error : undefined,
    };
  } catch {
    return {};
  }
}
