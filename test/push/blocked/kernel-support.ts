/**
 * What the real-kernel counter tests share: a network namespace whose loopback carries a banned
 * source address, a real OpenSSH server running inside it, and datagrams sent from that address.
 */
import { mkdirSync } from 'node:fs';
import { join } from 'node:path';
import { NetworkNamespace, netnsUnavailable } from '../../helpers/netns.js';
import { OpenSshServer, openSshUnavailable } from '../../helpers/openssh.js';
import { skipWhen } from '../../helpers/skip.js';

export interface KernelBench {
  ns: NetworkNamespace;
  server: OpenSshServer;
  sendFromBanned(count: number): void;
}

/** Registers before/after hooks; the bench's fields are set once `before` has run. */
export function kernelBench(prefix: string, banned: string, tools: string[]): KernelBench {
  const bench = { sendFromBanned } as KernelBench;
  before(async function () {
    skipWhen(this, openSshUnavailable() ?? netnsUnavailable(tools));
    bench.ns = NetworkNamespace.create(prefix);
    bench.ns.run('ip', ['link', 'set', 'lo', 'up']);
    bench.ns.run('ip', ['addr', 'add', `${banned}/32`, 'dev', 'lo']);
    bench.server = new OpenSshServer({ runner: `ip netns exec ${bench.ns.name} /bin/sh -c` });
    await bench.server.start();
    mkdirSync(join(bench.server.dir, 'upload'));
  });
  after(async () => {
    await bench.server?.stop();
    bench.ns?.remove();
  });

  /** Sends `count` UDP datagrams of 12 bytes (40 on the wire) from the banned address to itself: the input hook sees each one. */
  function sendFromBanned(count: number): void {
    const script =
      `const s=require('dgram').createSocket('udp4');s.bind({address:'${banned}'},async()=>{` +
      `for(let i=0;i<${count};i++)await new Promise((r)=>s.send(Buffer.alloc(12),9,'${banned}',r));s.close();});`;
    bench.ns.run(process.execPath, ['-e', script]);
  }
  return bench;
}
