/**
 * pfctl does not exist on Linux: these tests run the pf driver against a real OpenSSH server
 * whose PATH holds a small fake `pfctl` (and a fake pfSense `rc.update_urltables`) keeping each
 * table in a file. The fake takes the same arguments and prints what pfctl prints; the driver's
 * SSH, upload, apply, read-back and cleanup are all real.
 */
import { expect } from 'chai';
import { mkdirSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import type { DeviceError } from '../../../src/errors.js';
import { pfDriver } from '../../../src/push/drivers/pf.js';
import type { DeviceConfig } from '../../../src/config/push-schema.js';
import { silentLogger } from '../../../src/log.js';
import { pushToDevices } from '../../../src/push/run.js';
import { OpenSshServer, openSshUnavailable, SLOW_AND_LOGGED } from '../../helpers/openssh.js';
import { bans, pushOnce, pushToSlowDevice, sshEndpoint } from './device.js';
import { skipWhen } from '../../helpers/skip.js';

const FAKE_PFCTL = `#!/bin/sh
state="$(dirname "$0")/../pf"; mkdir -p "$state"
while [ $# -gt 0 ]; do case "$1" in -t) table="$2"; shift 2;; -T) cmd="$2"; shift 2;; -f) file="$2"; shift 2;; -vv) shift;; -s) cmd="s-$2"; shift 2;; *) echo "pfctl: illegal option $1" >&2; exit 1;; esac; done
row() { printf '\t%-12s [ Packets: %-18s Bytes: %-18s ]\n' "$1" "$2" "$3"; }
case "$cmd" in
s-Tables) for f in "$state"/*; do [ -f "$f" ] || continue; t=$(basename "$f")
  # the test writes "IN_PACKETS IN_BYTES OUT_PACKETS OUT_BYTES" to blocked-TABLE
  set -- $(cat "$state/../blocked-$t" 2>/dev/null || echo 0 0 0 0)
  printf -- '-pa-r--\t%s\n\tAddresses:   %d\n\tCleared:     Mon Nov 30 08:00:00 2026\n' "$t" "$(wc -l < "$f")"
  row In/Block: "$1" "$2"; row In/Pass: 9 900; row In/XPass: 0 0; row Out/Block: "$3" "$4"; row Out/Pass: 0 0; row Out/XPass: 0 0
  done;;
show) [ -f "$state/$table" ] || { echo "pfctl: Table does not exist." >&2; exit 1; }; sed 's/^/   /' "$state/$table";;
replace)
  cp "$file" "$state/../last-upload"
  [ -f "$state/../full" ] && { echo "pfctl: Cannot allocate memory." >&2; exit 1; }
  grep -v '^#' "$file" | grep -v '^$' > "$state/.new"
  if grep -qvE '^[0-9a-f:.]+(/[0-9]+)?$' "$state/.new"; then echo "pfctl: cannot load $file: Invalid argument" >&2; exit 1; fi
  mv "$state/.new" "$state/$table"; echo "$(wc -l < "$state/$table") addresses added." >&2;;
*) echo "pfctl: unknown command $cmd" >&2; exit 1;;
esac
`;

const FAKE_URLTABLES = `#!/bin/sh
# rc.update_urltables now forceupdate NAME: "fetch" the alias URL (here a file) into the table
state="$(dirname "$0")/../pf"; mkdir -p "$state"
[ "$1 $2" = "now forceupdate" ] || exit 1
grep -v '^#' "$(dirname "$0")/../urltable-source" > "$state/$3"
`;

describe('push driver pf (real OpenSSH, fake pfctl on the PATH)', function () {
  this.timeout(20_000);
  let server: OpenSshServer;
  let tempDir: string;
  const device = (settings: Record<string, unknown> = {}) => sshEndpoint(pfDriver, server, { tempDir, ...settings });
  const table = () =>
    readFileSync(join(server.dir, 'pf', 'APIBAN_SIP'), 'utf8')
      .trim()
      .split('\n');
  const commandsRun = () => readFileSync(join(server.dir, 'commands.log'), 'utf8').trim().split('\n');

  before(async function () {
    const missing = openSshUnavailable();
    skipWhen(this, missing);
    server = await new OpenSshServer({ wrapperPrelude: SLOW_AND_LOGGED }).start();
    writeFileSync(join(server.dir, 'bin', 'pfctl'), FAKE_PFCTL, { mode: 0o755 });
    writeFileSync(join(server.dir, 'bin', 'rc.update_urltables'), FAKE_URLTABLES, { mode: 0o755 });
    tempDir = join(server.dir, 'upload');
    mkdirSync(tempDir);
  });
  after(async () => {
    await server?.stop();
  });
  beforeEach(() => {
    if (!server) return;
    rmSync(join(server.dir, 'pf'), { recursive: true, force: true });
    writeFileSync(join(server.dir, 'commands.log'), '');
  });

  it('replaces the table from the uploaded file and reads it back', async () => {
    const outcome = await pushOnce(pfDriver, device(), bans('192.0.2.10', '198.51.100.0/24', '2001:db8::1'));
    expect(table()).to.deep.equal(['192.0.2.10', '198.51.100.0/24', '2001:db8::1']);
    expect(outcome.plan[1]).to.match(/^pfctl -t APIBAN_SIP -T replace -f .*\.txt$/);
    expect(readdirSync(tempDir)).to.deep.equal([]);
  });

  it('sends nothing when the table already holds the set', async () => {
    await pushOnce(pfDriver, device(), bans('192.0.2.1'));
    writeFileSync(join(server.dir, 'commands.log'), '');
    const outcome = await pushOnce(pfDriver, device(), bans('192.0.2.1'));
    expect(outcome.plan).to.deep.equal([]);
    expect(commandsRun()).to.deep.equal(['pfctl -t APIBAN_SIP -T show', 'pfctl -vv -s Tables']);
  });

  it("a refused replace leaves the old table and reports pfctl's error", async () => {
    await pushOnce(pfDriver, device(), bans('192.0.2.1'));
    writeFileSync(join(server.dir, 'full'), '');
    try {
      const error = await pushOnce(pfDriver, device(), bans('192.0.2.1', '192.0.2.2')).catch((e: unknown) => e);
      expect((error as DeviceError).output).to.include('Cannot allocate memory');
    } finally {
      rmSync(join(server.dir, 'full'));
    }
    expect(table()).to.deep.equal(['192.0.2.1']);
    expect(readdirSync(tempDir)).to.deep.equal([]);
  });

  it('urltable mode asks pfSense to refresh the alias and verifies the result', async () => {
    writeFileSync(join(server.dir, 'urltable-source'), '# served by apiban-exporter\n192.0.2.7\n');
    const settings = { mode: 'urltable', urltableScript: join(server.dir, 'bin', 'rc.update_urltables') };
    const outcome = await pushOnce(pfDriver, device(settings), bans('192.0.2.7'));
    expect(outcome.plan).to.deep.equal([`${settings.urltableScript} now forceupdate APIBAN_SIP`]);
    expect(table()).to.deep.equal(['192.0.2.7']);
    // the URL served something else: the read-back catches it
    const error = await pushOnce(pfDriver, device(settings), bans('192.0.2.8')).catch((e: unknown) => e);
    expect((error as DeviceError).message).to.include('read-back differs');
  });

  it('dry run changes nothing', async () => {
    const outcome = await pushOnce(pfDriver, device({ sudo: true }), bans('192.0.2.1'), { dryRun: true });
    expect(outcome.plan[1]).to.match(/^sudo -n pfctl -t APIBAN_SIP -T replace -f /);
    expect(commandsRun()).to.deep.equal(['sudo -n pfctl -t APIBAN_SIP -T show', 'sudo -n pfctl -vv -s Tables']);
  });

  it('dry run shows the file exactly as the push then uploads it', async () => {
    const wanted = bans('192.0.2.1', '198.51.100.0/24', '2001:db8::7');
    const [upload] = (await pushOnce(pfDriver, device(), wanted, { dryRun: true })).plan;
    const [header, ...content] = upload.split('\n');
    await pushOnce(pfDriver, device(), wanted);
    const uploaded = readFileSync(join(server.dir, 'last-upload'), 'utf8');
    expect(content.map((line) => `${line}\n`).join('')).to.equal(uploaded);
    expect(header).to.match(
      new RegExp(
        `^sftp put ${tempDir}/apiban-exporter-dev1-[0-9a-f]{12}\\.txt \\(${content.length} lines, ${Buffer.byteLength(uploaded)} bytes\\):$`,
      ),
    );
    expect(content).to.include.members(['192.0.2.1', '198.51.100.0/24', '2001:db8::7']);
  });

  it('gives up on a slow device when the per-device signal fires', async () => {
    const error = await pushToSlowDevice(server.dir, pfDriver, device(), bans('192.0.2.2'));
    expect((error as DeviceError).message).to.match(/timed out/);
  });

  it("reads the table's In/Block + Out/Block counters on each push, one number for both families", async () => {
    const push = (settings: Record<string, unknown> = {}) =>
      pushToDevices(
        [{ config: { name: 'pf1', driver: 'pf' } as DeviceConfig, driver: pfDriver, endpoint: device(settings) }],
        bans('192.0.2.10', '2001:db8::1'),
        { log: silentLogger, guards: { allowEmpty: false, maxShrink: 1 } },
      );
    writeFileSync(join(server.dir, 'blocked-APIBAN_SIP'), '56 3360 5 300\n');
    const [first] = await push();
    expect(first, first.error).to.include({ result: 'changed' });
    expect(first.blocked).to.deep.equal({ all: { packets: 61, bytes: 3660 } });
    writeFileSync(join(server.dir, 'blocked-APIBAN_SIP'), '70 4200 5 300\n');
    expect((await push())[0].blocked).to.deep.equal({ all: { packets: 75, bytes: 4500 } });
    writeFileSync(join(server.dir, 'commands.log'), '');
    const [off] = await push({ counters: false });
    expect(off).to.include({ result: 'unchanged' }).and.not.have.property('blocked');
    expect(commandsRun()).to.deep.equal(['pfctl -t APIBAN_SIP -T show']);
  });

  it('refuses a table name that could reach the shell', () => {
    expect(() => pfDriver.settings.parse({ table: 'X;reboot' })).to.throw();
  });
});
