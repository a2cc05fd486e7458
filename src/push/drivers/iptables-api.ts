/**
 * iptables-api: the small REST daemon APIBAN users run next to Kamailio (palner/iptables-api,
 * go/iptables-api.go and README.md, https://github.com/palner/iptables-api). It manages the chain
 * APIBANLOCAL (iptables and ip6tables) with `GET /addip/<ip>`, `GET /removeip/<ip>`,
 * `GET /puship/<ip>` and `GET /flushchain`, default port 8082, no authentication. It parses with
 * Go's net.ParseIP, so it takes single addresses only, never a CIDR.
 *
 * It has no endpoint that lists the chain, so a ledger alone cannot say what the daemon holds: a
 * host reboot or anyone's /flushchain empties the chain behind it. The driver therefore:
 * - keeps a ledger (iptables-api-ledger.ts) written as intent before each batch of calls, so an
 *   address whose call may have reached the daemon is never forgotten;
 * - verifies on every push with /puship, whose "ip already exists" answer proves presence (and
 *   which re-inserts a missing address). A push that finds nothing to change probes every
 *   address before it may report `unchanged` (the scheduled verifications of serve and
 *   `push --watch` are such pushes); after a push that changed the device, a sample of `probe`
 *   unchanged addresses, every address once per `fullCheckEvery` or as soon as one probe finds
 *   a gap; the result says which (DeviceResult.verified). A daemon without /puship gets the
 *   whole set re-added with /addip, which is idempotent (AppendUnique).
 * - flushes only on the first push of a device that takes both families: /flushchain always
 *   flushes IPv4 and IPv6 (there is no per-family flush), and the daemon exits (log.Fatalln) where
 *   ip6tables cannot run. A v4-only or v6-only device starts by adding its set instead.
 * Addresses go into the path as formatted from validated prefixes (hex digits, dots, colons).
 */
import * as z from 'zod';
import { formatPrefix, type Prefix } from '../../banset/address.js';
import { BanSet } from '../../banset/banset.js';
import type { BanDiff } from '../../banset/diff.js';
import { parseDuration } from '../../duration.js';
import type { Logger } from '../../log.js';
import type { DeviceDriver, DeviceSession, DeviceEndpoint, DriverContext, Verification } from '../driver.js';
import { IptablesApiCalls } from './iptables-api-calls.js';
import { loadLedger, saveLedger, type Ledger } from './iptables-api-ledger.js';
import { basicAuthorization, HttpDevice, originOf } from './http.js';
import { parseListed, requireHosts } from './verify.js';

const settings = z.strictObject({
  ledger: z.string().min(1).describe('file recording what the daemon acknowledged (the API cannot list its chain)'),
  scheme: z.enum(['http', 'https']).default('http').describe('the daemon itself speaks plain HTTP; https when behind a proxy'),
  probe: z
    .number()
    .int()
    .min(1)
    .default(16)
    .describe('unchanged addresses proved present with /puship after a push that changed the device (an unchanged push proves every one)'),
  fullCheckEvery: z
    .string()
    .default('1d')
    .refine((text) => (parseDuration(text) ?? 0) > 0, 'a duration such as 12h or 1d')
    .describe('how often every address is proved present (or re-added) with /puship'),
});
export type IptablesApiSettings = z.infer<typeof settings>;

const format = (prefixes: Iterable<Prefix>) => [...prefixes].map((p) => formatPrefix(p));

class IptablesApiSession implements DeviceSession {
  /** The ledger as read; undefined = the chain's content is unknown (first push). */
  private ledger: Ledger | undefined;

  constructor(
    private readonly device: DeviceEndpoint<IptablesApiSettings>,
    private readonly calls: IptablesApiCalls,
    private readonly where: Parameters<typeof loadLedger>[0],
    private readonly log: Logger,
    private readonly close_: () => Promise<void>,
    private readonly onPhase: DriverContext['onPhase'],
  ) {}

  /** Everything that may be on the daemon: acknowledged entries plus calls whose outcome is unknown. */
  async read(): Promise<BanSet> {
    this.ledger = loadLedger(this.where);
    if (this.ledger === undefined) return BanSet.EMPTY;
    return parseListed(this.device.name, `ledger ${this.where.path}`, [...new Set([...this.ledger.entries, ...this.ledger.pending])]);
  }

  plan(diff: BanDiff, wanted: BanSet): string[] {
    requireHosts(this.device.name, 'iptables-api', diff.added);
    const flush = this.ledger === undefined && this.mayFlush() ? ['GET /flushchain'] : [];
    const changes = [...format(diff.added).map((a) => `GET /addip/${a}`), ...format(diff.removed).map((a) => `GET /removeip/${a}`)];
    const unchanged = wanted.size - diff.added.length;
    const probe =
      this.ledger === undefined || unchanged === 0
        ? []
        : [`GET /puship/<address> for up to ${this.device.settings.probe} of the ${unchanged} unchanged addresses (presence probe)`];
    return [...flush, ...changes, ...probe];
  }

  async apply(diff: BanDiff, wanted: BanSet): Promise<{ sent: number; verified: string }> {
    requireHosts(this.device.name, 'iptables-api', diff.added);
    const first = this.ledger === undefined;
    const held = new Set(this.ledger?.entries ?? []);
    const pending = new Set([...(this.ledger?.pending ?? []), ...format(diff.added), ...format(diff.removed)]);
    const save = () => saveLedger(this.where, { entries: [...held], pending: [...pending], fullCheckAt: this.ledger?.fullCheckAt });
    await save(); // intent first: whatever happens next, every address we may touch is on record
    try {
      if (first && this.mayFlush()) await this.calls.flush();
      if (first && !this.mayFlush())
        this.log.warn(
          { device: this.device.name },
          'first push to a single-family device: adding the set without /flushchain (it would flush both families); entries added by other tools stay',
        );
      for (const address of format(diff.added)) {
        await this.calls.add(address);
        held.add(address);
        pending.delete(address);
      }
      for (const address of format(diff.removed)) {
        await this.calls.remove(address);
        held.delete(address);
        pending.delete(address);
      }
    } finally {
      await save();
    }
    const check = await this.verify(wanted, new Set(format(diff.added)), this.fullCheckDue());
    return {
      sent: this.calls.sent,
      verified: first ? `first push${this.mayFlush() ? ' after /flushchain' : ''}; ${check.verified}` : check.verified,
    };
  }

  /**
   * The ledger says the daemon holds the set: the job may only report `unchanged` once every
   * address is proved present (a sample would let 5 missing of 4,000 pass for days).
   */
  confirm(wanted: BanSet): Promise<Verification> {
    return this.verify(wanted, new Set(), true);
  }

  /**
   * Proves the unchanged part of the set is on the daemon: every address when `full` (or when a
   * probe found a gap), else `probe` sampled addresses plus every address whose last call had no
   * answer. Missing addresses are re-inserted by the probe itself.
   */
  private async verify(wanted: BanSet, justAdded: ReadonlySet<string>, due: boolean): Promise<Verification> {
    this.onPhase?.('verifying');
    const before = this.calls.sent;
    const unchanged = format(wanted.toArray()).filter((a) => !justAdded.has(a));
    const uncertain = new Set(this.ledger?.pending ?? []);
    const chosen = due
      ? unchanged
      : [
          ...unchanged.filter((a) => uncertain.has(a)),
          ...sample(
            unchanged.filter((a) => !uncertain.has(a)),
            this.device.settings.probe,
          ),
        ];
    let outcome = await this.probeAll(chosen);
    let full = due;
    if (!full && outcome.missing > 0) {
      this.log.warn(
        { device: this.device.name, missing: outcome.missing },
        'the daemon lacked addresses the ledger lists (reboot or flush); checking every address',
      );
      const probed = new Set(chosen);
      const rest = await this.probeAll(unchanged.filter((a) => !probed.has(a)));
      outcome = { missing: outcome.missing + rest.missing, readded: outcome.readded || rest.readded };
      full = true;
    }
    const fullCheckAt = full ? new Date().toISOString() : this.ledger?.fullCheckAt;
    await saveLedger(this.where, { entries: format(wanted.toArray()), pending: [], fullCheckAt });
    if (this.ledger !== undefined) this.ledger = { ...this.ledger, entries: format(wanted.toArray()), pending: [], fullCheckAt };
    const how =
      unchanged.length === 0
        ? 'every address was added by this push'
        : outcome.readded
          ? `re-added all ${unchanged.length} with /addip (this daemon has no /puship)`
          : `${full ? `every one of the ${unchanged.length}` : `${chosen.length} of the ${unchanged.length}`} unchanged addresses probed with /puship: ${outcome.missing} missing, re-inserted`;
    return { sent: this.calls.sent - before, verified: how };
  }

  close(): Promise<void> {
    return this.close_();
  }

  /** Probes addresses; on a daemon without /puship, falls back to re-adding them all. */
  private async probeAll(addresses: string[]): Promise<{ missing: number; readded: boolean }> {
    let missing = 0;
    for (const [i, address] of addresses.entries()) {
      const presence = await this.calls.probe(address);
      if (presence === 'unsupported') {
        for (const rest of addresses.slice(i)) await this.calls.add(rest);
        return { missing, readded: true };
      }
      if (presence === 'inserted') missing++;
    }
    return { missing, readded: false };
  }

  private fullCheckDue(): boolean {
    const last = Date.parse(this.ledger?.fullCheckAt ?? '');
    // The schema refuses a fullCheckEvery that does not parse; 0 (check everything) is the safe reading anyway.
    return Number.isNaN(last) || Date.now() - last >= (parseDuration(this.device.settings.fullCheckEvery) ?? 0);
  }

  private mayFlush(): boolean {
    return (this.device.families ?? 'both') === 'both';
  }
}

/** Up to `count` addresses picked at random, so successive pushes look at different parts of the chain. */
function sample(addresses: string[], count: number): string[] {
  const pool = [...addresses];
  for (let i = 0; i < Math.min(count, pool.length); i++) {
    const j = i + Math.floor(Math.random() * (pool.length - i));
    [pool[i], pool[j]] = [pool[j], pool[i]];
  }
  return pool.slice(0, count);
}

export const iptablesApiDriver: DeviceDriver<IptablesApiSettings> = {
  name: 'iptables-api',
  summary: 'iptables-api REST daemon (chain APIBANLOCAL): addip/removeip for the difference, /puship presence probes',
  settings,
  families: 'both',
  async open(device: DeviceEndpoint<IptablesApiSettings>, context: DriverContext): Promise<DeviceSession> {
    const { username, password, caFile } = device.credentials;
    const endpoint = originOf(device.settings.scheme, device.host, device.port ?? 8082);
    const http = new HttpDevice({
      device: device.name,
      baseUrl: endpoint,
      // The daemon has no auth; a proxy in front of it may want Basic auth.
      authorization: username && password ? basicAuthorization(username, password) : undefined,
      caFile,
      signal: context.signal,
      secrets: [password],
    });
    const where = { device: device.name, path: device.settings.ledger, endpoint, log: context.log };
    return new IptablesApiSession(device, new IptablesApiCalls(http), where, context.log, () => http.close(), context.onPhase);
  },
};

export default iptablesApiDriver;
