/**
 * opnsense-api: keeps an OPNsense "External (advanced)" alias holding the set, over the REST API.
 *
 * Sources (opnsense/core on GitHub; API reference https://docs.opnsense.org/development/api/core/firewall.html):
 * - AliasUtilController.php: `list/{alias}` reads the live pf table, paged through the POST
 *   fields `current`/`rowCount` (a GET only ever sees the first 9999 rows), answering
 *   `{total, rowCount, current, rows: [{ip, ...}]}`; `add/{alias}` and `delete/{alias}` take one
 *   `address` per call and answer `{"status":"done"}`; add refuses anything outside
 *   `[0-9a-f:./_]` with `not_an_address` and unknown aliases with `failed`.
 * - AliasController.php: `get_alias_uuid/{name}` answers `{uuid}` or `[]`; `get_item/{uuid}` gives
 *   the option list of `type`; `add_item` + `reconfigure` create a new alias.
 * - opnsense/docs development/how-tos/api.rst: key/secret as HTTP Basic auth.
 *
 * Why `external`: on `host`/`network` aliases every add/delete also rewrites config.xml and
 * reloads templates (slow, one config save per address); a `urltable` alias would be overwritten
 * by its own refresh. An external alias is a pf table only this driver writes. Not atomic: adds
 * go before deletes so the table is never emptier than either state; the list is read back after.
 */
import * as z from 'zod';
import { BanSet } from '../../banset/banset.js';
import type { BanDiff } from '../../banset/diff.js';
import { formatPrefix, type Prefix } from '../../banset/address.js';
import { DeviceError } from '../../errors.js';
import type { DeviceDriver, DeviceSession, DeviceEndpoint, DriverContext } from '../driver.js';
import { basicAuthorization, HttpDevice, originOf } from './http.js';
import { parseListed, verifyHolds } from './verify.js';

const settings = z.strictObject({
  alias: z
    .string()
    .regex(/^[A-Za-z_][A-Za-z0-9_]{0,31}$/, 'letters, digits and _ only, at most 32')
    .default('APIBAN_SIP')
    .describe('name of the External (advanced) alias that holds the set'),
  scheme: z.enum(['https', 'http']).default('https').describe('http only for a local test or a TLS-terminating proxy'),
  createAlias: z.boolean().default(true).describe('create the alias (type external) when it does not exist'),
  pageSize: z.number().int().min(1).max(50_000).default(5000).describe('rows per alias_util/list page'),
});
export type OpnsenseApiSettings = z.infer<typeof settings>;

const ALIAS_API = '/api/firewall/alias';
const UTIL_API = '/api/firewall/alias_util';

class OpnsenseApiSession implements DeviceSession {
  private aliasMissing = false;

  constructor(
    private readonly device: DeviceEndpoint<OpnsenseApiSettings>,
    private readonly http: HttpDevice,
    private readonly onPhase: DriverContext['onPhase'],
  ) {}

  async read(): Promise<BanSet> {
    const { alias, createAlias } = this.device.settings;
    const found = (await this.http.json('GET', `${ALIAS_API}/get_alias_uuid/${alias}`)) as { uuid?: unknown };
    if (typeof found?.uuid !== 'string') {
      if (!createAlias)
        throw new DeviceError(
          this.device.name,
          `GET ${ALIAS_API}/get_alias_uuid/${alias}`,
          `alias ${alias} does not exist (createAlias is off)`,
        );
      this.aliasMissing = true;
      return BanSet.EMPTY;
    }
    await this.checkType(found.uuid);
    return this.list();
  }

  plan(diff: BanDiff): string[] {
    const { alias } = this.device.settings;
    const create = this.aliasMissing
      ? [`POST ${ALIAS_API}/add_item ${JSON.stringify(newAlias(alias))}`, `POST ${ALIAS_API}/reconfigure`]
      : [];
    return [
      ...create,
      ...diff.added.map((p) => `POST ${UTIL_API}/add/${alias} address=${formatPrefix(p)}`),
      ...diff.removed.map((p) => `POST ${UTIL_API}/delete/${alias} address=${formatPrefix(p)}`),
    ];
  }

  async apply(diff: BanDiff, wanted: BanSet): Promise<{ sent: number }> {
    let sent = 0;
    if (this.aliasMissing) sent += await this.createAlias();
    for (const prefix of diff.added) {
      await this.change('add', prefix);
      sent++;
    }
    for (const prefix of diff.removed) {
      await this.change('delete', prefix);
      sent++;
    }
    this.onPhase?.('verifying');
    verifyHolds(this.device.name, `POST ${UTIL_API}/list/${this.device.settings.alias}`, await this.list(), wanted);
    return { sent };
  }

  close(): Promise<void> {
    return this.http.close();
  }

  private async checkType(uuid: string): Promise<void> {
    const path = `${ALIAS_API}/get_item/${encodeURIComponent(uuid)}`;
    const item = (await this.http.json('GET', path)) as { alias?: { type?: Record<string, { selected?: unknown }> } };
    const options = item?.alias?.type ?? {};
    const type = Object.keys(options).find((key) => Number(options[key]?.selected) === 1);
    if (type !== 'external') {
      throw new DeviceError(
        this.device.name,
        `GET ${path}`,
        `alias ${this.device.settings.alias} is of type ${type ?? 'unknown'}; this driver manages an External (advanced) alias`,
      );
    }
  }

  /** Reads every page of the live table. */
  private async list(): Promise<BanSet> {
    const { alias, pageSize } = this.device.settings;
    const path = `${UTIL_API}/list/${alias}`;
    const entries: string[] = [];
    for (let current = 1; ; current++) {
      const page = (await this.http.json('POST', path, { current, rowCount: pageSize })) as { total?: unknown; rows?: unknown };
      if (typeof page?.total !== 'number' || !Array.isArray(page.rows)) throw this.http.failure('POST', path, 'answer has no total/rows');
      for (const row of page.rows as { ip?: unknown }[]) entries.push(typeof row?.ip === 'string' ? row.ip : JSON.stringify(row));
      if (page.rows.length === 0 || entries.length >= page.total) break;
    }
    return parseListed(this.device.name, `POST ${path}`, entries);
  }

  private async change(action: 'add' | 'delete', prefix: Prefix): Promise<void> {
    const path = `${UTIL_API}/${action}/${this.device.settings.alias}`;
    const reply = (await this.http.json('POST', path, { address: formatPrefix(prefix) })) as { status?: unknown };
    if (reply?.status !== 'done') {
      throw this.http.failure('POST', `${path} address=${formatPrefix(prefix)}`, JSON.stringify(reply));
    }
  }

  private async createAlias(): Promise<number> {
    const { alias } = this.device.settings;
    const created = (await this.http.json('POST', `${ALIAS_API}/add_item`, newAlias(alias))) as { result?: unknown };
    if (created?.result !== 'saved') throw this.http.failure('POST', `${ALIAS_API}/add_item`, JSON.stringify(created));
    await this.http.json('POST', `${ALIAS_API}/reconfigure`, {});
    this.aliasMissing = false;
    return 2;
  }
}

function newAlias(name: string): { alias: Record<string, string> } {
  return { alias: { enabled: '1', name, type: 'external', description: 'APIBAN banned SIP sources (apiban-exporter)' } };
}

export const opnsenseApiDriver: DeviceDriver<OpnsenseApiSettings> = {
  name: 'opnsense-api',
  summary: 'OPNsense REST API: External alias kept in step with alias_util add/delete',
  settings,
  families: 'both',
  async open(device: DeviceEndpoint<OpnsenseApiSettings>, context: DriverContext): Promise<DeviceSession> {
    const { apiKey, apiSecret, caFile } = device.credentials;
    if (!apiKey || !apiSecret) throw new DeviceError(device.name, undefined, 'opnsense-api needs credentials apiKey and apiSecret');
    const { scheme } = device.settings;
    const http = new HttpDevice({
      device: device.name,
      baseUrl: originOf(scheme, device.host, device.port ?? (scheme === 'https' ? 443 : 80)),
      authorization: basicAuthorization(apiKey, apiSecret),
      caFile,
      signal: context.signal,
      secrets: [apiKey, apiSecret],
    });
    return new OpnsenseApiSession(device, http, context.onPhase);
  },
};

export default opnsenseApiDriver;
