/**
 * linux-ipset with blocked-traffic counters. An ipset only holds addresses; the rule that drops
 * them is the operator's (`iptables -I INPUT -m set --match-set apiban4 src -j DROP`), so the
 * device entry names its chain: `settings.counters: { chain: INPUT }`. After each push the
 * chain is listed with `iptables -L CHAIN -v -x -n` / `ip6tables ...` (src/push/counters/
 * iptables.ts) over a second, short SSH connection, which keeps the ipset driver itself
 * untouched. No `counters`, or no rule matching the set: "not reported"; a failed listing is
 * logged and reported the same way, it never fails the push.
 */
import { z } from 'zod';
import type { BlockedCounters } from '../counters/blocked.js';
import { withCounterSettings } from '../counters/cli-readers.js';
import { parseIptablesSetDrops } from '../counters/iptables.js';
import type { DeviceDriver, DeviceSession, DeviceEndpoint, DriverContext } from '../driver.js';
import { connectSsh } from '../ssh.js';
import type { LinuxIpsetSettings } from './linux-ipset.js';

const counters = z
  .strictObject({
    chain: z
      .string()
      .regex(/^[A-Za-z][A-Za-z0-9_-]{0,28}$/, 'an iptables chain name: a letter, then letters, digits, "_" or "-" (at most 29)'),
  })
  .describe('the iptables / ip6tables chain holding the DROP rules that match the sets');

type Settings = LinuxIpsetSettings & { counters?: z.infer<typeof counters> };

export function withIptablesCounters(driver: DeviceDriver<LinuxIpsetSettings>): DeviceDriver<Settings> {
  return {
    ...driver,
    settings: withCounterSettings(driver.settings, counters) as z.ZodType<Settings>,
    async open(device: DeviceEndpoint<Settings>, context: DriverContext): Promise<DeviceSession> {
      const session = await driver.open(device, context);
      const chain = device.settings.counters?.chain;
      if (chain === undefined) return session;
      return {
        read: () => session.read(),
        plan: (diff, wanted) => session.plan(diff, wanted),
        apply: (diff, wanted) => session.apply(diff, wanted),
        close: () => session.close(),
        readCounters: () => readChainCounters(device, context, chain),
      };
    },
  };
}

async function readChainCounters(
  device: DeviceEndpoint<Settings>,
  context: DriverContext,
  chain: string,
): Promise<BlockedCounters | undefined> {
  const sudo = device.settings.sudo ? 'sudo -n ' : '';
  const { setV4, setV6 } = device.settings.ipset;
  let connection: Awaited<ReturnType<typeof connectSsh>> | undefined;
  try {
    connection = await connectSsh(device, context);
    const out: BlockedCounters = {};
    for (const [family, tool, set] of [
      ['v4', 'iptables', setV4],
      ['v6', 'ip6tables', setV6],
    ] as const) {
      const result = await connection.exec(`${sudo}${tool} -L ${chain} -v -x -n`);
      const counter = result.code === 0 ? parseIptablesSetDrops(result.stdout, set) : undefined;
      if (counter !== undefined) out[family] = counter;
    }
    return Object.keys(out).length === 0 ? undefined : out;
  } catch (error) {
    context.log.warn({ device: device.name, error: (error as Error).message }, 'counters: listing the iptables chain failed');
    return undefined;
  } finally {
    await connection?.close();
  }
}
