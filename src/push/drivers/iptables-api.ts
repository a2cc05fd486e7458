/**
 * iptables-api: the small REST daemon APIBAN users run next to Kamailio (palner/iptables-api,
 * go/iptables-api.go and README.md, https://github.com/palner/iptables-api). It manages the chain
 * APIBANLOCAL (iptables and ip6tables) with `GET /addip/<ip>`, `GET /removeip/<ip>` and
 * `GET /flushchain`, default port 8082, no authentication, answering `{"success":...}` or a 4xx/5xx
 * with `{"error":...}`. It parses with Go's net.ParseIP, so it takes single addresses only, never
 * a CIDR.
 *
 * It has no endpoint that lists the chain. So the driver keeps a ledger (a small JSON file per
 * device, setting `ledger`) of what the daemon acknowledged. Reading = loading the ledger; with no
 * ledger (first push, or the daemon moved) the state is unknown and the plan starts with
 * `/flushchain`, so the chain ends up holding exactly the set. Addresses go into the path as
 * formatted from validated prefixes (hex digits, dots, colons): nothing to escape. The final comparison checks the
 * acknowledged state against the wanted set; the ledger records progress even when a call fails.
 */
import { mkdirSync, readFileSync, renameSync, writeFileSync } from 'node:fs';
import { dirname } from 'node:path';
import { z } from 'zod';
import { formatPrefix, type Prefix } from '../../banset/address.js';
import { BanSet, createExactBanSet } from '../../banset/banset.js';
import type { BanDiff } from '../../banset/diff.js';
import { DeviceError } from '../../errors.js';
import type { Logger } from '../../log.js';
import type { DeviceDriver, DeviceSession, DeviceTarget, DriverContext } from '../driver.js';
import { basicAuthorization, HttpDevice, originOf } from './http.js';
import { parseListed, requireHosts, verifyHolds } from './verify.js';

const settings = z.strictObject({
  ledger: z.string().min(1).describe('file recording what the daemon acknowledged (the API cannot list its chain)'),
  scheme: z.enum(['http', 'https']).default('http').describe('the daemon itself speaks plain HTTP; https when behind a proxy'),
});
export type IptablesApiSettings = z.infer<typeof settings>;

interface Ledger { version: 1; endpoint: string; entries: string[] }

class IptablesApiSession implements DeviceSession {
  /** What the daemon holds as far as we know; undefined = unknown (flush first). */
  private held: Map<string, Prefix> | undefined;

  constructor(
    private readonly device: DeviceTarget<IptablesApiSettings>,
    private readonly http: HttpDevice,
    private readonly endpoint: string,
    private readonly log: Logger,
  ) {}

  async read(): Promise<BanSet> {
    const ledger = this.loadLedger();
    if (ledger === undefined) return BanSet.EMPTY;
    const set = parseListed(this.device.name, `ledger ${this.device.settings.ledger}`, ledger.entries);
    this.held = new Map(set.toArray().map((p) => [formatPrefix(p), p]));
    return set;
  }

  plan(diff: BanDiff): string[] {
    requireHosts(this.device.name, 'iptables-api', diff.added);
    return [
      ...(this.held === undefined ? ['GET /flushchain'] : []),
      ...diff.added.map((p) => `GET /addip/${formatPrefix(p)}`),
      ...diff.removed.map((p) => `GET /removeip/${formatPrefix(p)}`),
    ];
  }

  async apply(diff: BanDiff, wanted: BanSet): Promise<{ sent: number }> {
    requireHosts(this.device.name, 'iptables-api', diff.added);
    let sent = 0;
    try {
      if (this.held === undefined) {
        await this.expectSuccess('/flushchain');
        this.held = new Map();
        sent++;
      }
      for (const prefix of diff.added) {
        await this.expectSuccess(`/addip/${formatPrefix(prefix)}`);
        this.held.set(formatPrefix(prefix), prefix);
        sent++;
      }
      for (const prefix of diff.removed) {
        await this.expectSuccess(`/removeip/${formatPrefix(prefix)}`);
        this.held.delete(formatPrefix(prefix));
        sent++;
      }
    } finally {
      if (this.held !== undefined && sent > 0) this.saveLedger([...this.held.keys()]);
    }
    verifyHolds(this.device.name, 'final comparison', createExactBanSet(this.held.values()), wanted);
    return { sent };
  }

  close(): Promise<void> {
    return this.http.close();
  }

  private async expectSuccess(path: string): Promise<void> {
    const reply = await this.http.call('GET', path);
    // /flushchain answers 200 even when one family failed ("ipv4 error. ipv6 flushed.").
    if (/error/i.test(reply.text)) throw this.http.failure('GET', path, reply.text);
  }

  private loadLedger(): Ledger | undefined {
    const path = this.device.settings.ledger;
    let ledger: Partial<Ledger>;
    try {
      ledger = JSON.parse(readFileSync(path, 'utf8')) as Partial<Ledger>;
    } catch (error) {
      const code = (error as NodeJS.ErrnoException).code;
      if (code !== 'ENOENT') this.log.warn({ device: this.device.name, ledger: path }, `ledger unreadable (${code ?? 'not JSON'}); the chain will be flushed and refilled`);
      return undefined;
    }
    if (ledger.version !== 1 || !Array.isArray(ledger.entries) || ledger.entries.some((e) => typeof e !== 'string')) {
      this.log.warn({ device: this.device.name, ledger: path }, 'ledger has an unknown shape; the chain will be flushed and refilled');
      return undefined;
    }
    if (ledger.endpoint !== this.endpoint) {
      this.log.info({ device: this.device.name, ledger: path }, 'ledger was written for another endpoint; the chain will be flushed and refilled');
      return undefined;
    }
    return ledger as Ledger;
  }

  /** Written to a temporary name and renamed: a crash never leaves half a ledger. */
  private saveLedger(entries: string[]): void {
    const path = this.device.settings.ledger;
    const ledger: Ledger = { version: 1, endpoint: this.endpoint, entries };
    try {
      mkdirSync(dirname(path), { recursive: true });
      writeFileSync(`${path}.tmp`, `${JSON.stringify(ledger)}\n`, { mode: 0o600 });
      renameSync(`${path}.tmp`, path);
    } catch (error) {
      throw new DeviceError(this.device.name, undefined, `cannot write the ledger ${path}: ${(error as Error).message}`, { cause: error });
    }
  }
}

export const iptablesApiDriver: DeviceDriver<IptablesApiSettings> = {
  name: 'iptables-api',
  summary: 'iptables-api REST daemon (chain APIBANLOCAL): addip/removeip for the difference',
  settings,
  families: 'both',
  async open(device: DeviceTarget<IptablesApiSettings>, context: DriverContext): Promise<DeviceSession> {
    const { username, password, caFile } = device.credentials;
    const { scheme } = device.settings;
    const endpoint = originOf(scheme, device.host, device.port ?? 8082);
    const http = new HttpDevice({
      device: device.name,
      baseUrl: endpoint,
      // The daemon has no auth; a proxy in front of it may want Basic auth.
      authorization: username && password ? basicAuthorization(username, password) : undefined,
      caFile,
      signal: context.signal,
      secrets: [password],
    });
    return new IptablesApiSession(device, http, endpoint, context.log);
  },
};

export default iptablesApiDriver;
