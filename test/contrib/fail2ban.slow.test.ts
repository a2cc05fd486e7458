/**
 * contrib/fail2ban, unchanged, in Debian's fail2ban-server (foreground, its own configuration
 * directory, socket, pid file and database): the sample jail reads an Asterisk security log with
 * Debian's `asterisk` filter, and its bans and unbans reach the real CLI's serve through the
 * action's curl calls, with the client's token as a bearer header. jail.local changes only what a
 * site would: the log's path, the exporter's address and token file, maxretry.
 */
import { expect } from 'chai';
import { spawnSync } from 'node:child_process';
import { appendFileSync, cpSync, mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { REPO_ROOT } from '../helpers/paths.js';
import { ingestPort, type ServeProcess, startServe, waitFor } from '../helpers/serve-process.js';
import { present } from '../helpers/present.js';
import { skipWhen } from '../helpers/skip.js';
import { fetchRaw } from '../serve/support.js';
import { ingestEvents, plainAddresses, programMissing, type Running, run, stop, WAIT_MS, writeServeConfig } from './support.js';

const CONTRIB = join(REPO_ROOT, 'contrib', 'fail2ban');
const DEBIAN_FILTERS = '/etc/fail2ban/filter.d';
const TOKEN = 'f2b-test-token-0123456789abcdef';
const GUESSER = '198.18.0.5';
const SECOND_GUESSER = '198.18.0.6';
const PRIVATE = '192.168.77.7';

/** A failed PJSIP authentication as Asterisk's res_security_log writes it, stamped now (local time, logger.conf's dateformat %F %T). */
function securityEvent(address: string, event: string): string {
  const now = new Date();
  const two = (n: number) => String(n).padStart(2, '0');
  const stamp = `${now.getFullYear()}-${two(now.getMonth() + 1)}-${two(now.getDate())} ${two(now.getHours())}:${two(now.getMinutes())}:${two(now.getSeconds())}`;
  return (
    `[${stamp}] SECURITY[4321] res_security_log.c: SecurityEvent="${event}",EventTV="${now.toISOString()}",Severity="Error",` +
    `Service="PJSIP",EventVersion="1",AccountID="1001",SessionID="${address}-call",LocalAddress="IPV4/UDP/192.0.2.1/5060",` +
    `RemoteAddress="IPV4/UDP/${address}/5060",Challenge="5e0a1b2c",ReceivedChallenge="5e0a1b2c",ReceivedHash="00ff"\n`
  );
}

describe('contrib/fail2ban: fail2ban on an Asterisk security log bans and unbans through serve', function () {
  this.timeout(120_000);
  let dir: string;
  let securityLog: string;
  let socket: string;
  let serve: ServeProcess | undefined;
  let fail2ban: Running | undefined;

  const served = async () => plainAddresses((await fetchRaw(`http://127.0.0.1:${serve?.port}/plain.txt`)).body.toString());
  const events = () => ingestEvents(present(serve, 'serve'));
  /** The ingest events once there are `count` (serve logs a call before it answers, but its stderr reaches the test on its own). */
  const eventsOnce = async (count: number) => {
    await waitFor(async () => events().length >= count, `${count} ingest events in serve's log`, WAIT_MS);
    return events();
  };
  const client = (...args: string[]) => {
    const result = spawnSync('fail2ban-client', ['-s', socket, ...args], { encoding: 'utf8' });
    expect(result.status, `fail2ban-client ${args.join(' ')}: ${result.stdout}${result.stderr}`).to.equal(0);
  };
  const guessPasswords = (address: string) => {
    for (const event of ['InvalidAccountID', 'ChallengeResponseFailed', 'InvalidPassword'])
      appendFileSync(securityLog, securityEvent(address, event));
  };

  before(async function () {
    skipWhen(this, programMissing('fail2ban-server', 'fail2ban-client', 'curl'));
    dir = mkdtempSync(join(tmpdir(), 'apiban-fail2ban-'));
    const tokenFile = join(dir, 'token');
    writeFileSync(tokenFile, `${TOKEN}\n`, { mode: 0o600 });
    serve = await startServe(writeServeConfig(dir, '127.0.0.1/32', {}, tokenFile));

    const conf = join(dir, 'fail2ban');
    socket = join(dir, 'fail2ban.sock');
    securityLog = join(dir, 'security');
    writeFileSync(securityLog, '');
    mkdirSync(join(conf, 'filter.d'), { recursive: true });
    for (const file of ['common.conf', 'asterisk.conf']) cpSync(join(DEBIAN_FILTERS, file), join(conf, 'filter.d', file));
    cpSync(join(CONTRIB, 'action.d'), join(conf, 'action.d'), { recursive: true });
    cpSync(join(CONTRIB, 'jail.d'), join(conf, 'jail.d'), { recursive: true });
    writeFileSync(
      join(conf, 'fail2ban.conf'),
      [
        '[Definition]',
        'loglevel = INFO',
        'logtarget = STDERR',
        `socket = ${socket}`,
        `pidfile = ${join(dir, 'fail2ban.pid')}`,
        `dbfile = ${join(dir, 'fail2ban.sqlite3')}`,
        '',
      ].join('\n'),
    );
    // Debian's jail.conf sets these defaults; polling reads the file the test appends to without inotify.
    writeFileSync(join(conf, 'jail.conf'), ['[DEFAULT]', 'backend = polling', 'usedns = no', ''].join('\n'));
    writeFileSync(
      join(conf, 'jail.local'),
      [
        '[asterisk]',
        `logpath = ${securityLog}`,
        `action = apiban-exporter[url="http://127.0.0.1:${ingestPort(serve)}", tokenfile="${tokenFile}"]`,
        'maxretry = 3',
        '',
      ].join('\n'),
    );
    fail2ban = run('fail2ban-server', ['-f', '-x', '-c', conf, '-s', socket, '-p', join(dir, 'fail2ban.pid')]);
    await waitFor(
      async () => fail2ban?.output().includes("Jail 'asterisk' started") ?? false,
      `the asterisk jail:\n${fail2ban.output()}`,
      WAIT_MS,
    );
  });

  after(async () => {
    await stop(fail2ban);
    serve?.child.kill('SIGTERM');
    await serve?.exited;
    if (dir) rmSync(dir, { recursive: true, force: true });
  });

  it('a ban reaches /plain.txt, and fail2ban-client unban removes it', async () => {
    guessPasswords(GUESSER);
    await waitFor(async () => (await served()).includes(GUESSER), `${GUESSER} in /plain.txt:\n${fail2ban?.output()}`, WAIT_MS);
    expect(await eventsOnce(1)).to.deep.equal([`edge ban accepted ${GUESSER}`]);
    client('unban', GUESSER);
    await waitFor(async () => !(await served()).includes(GUESSER), `${GUESSER} gone from /plain.txt`, WAIT_MS);
    expect(await eventsOnce(2)).to.deep.equal([`edge ban accepted ${GUESSER}`, `edge ban removed ${GUESSER}`]);
  });

  it("a refused address (a protected range) is never served, and fail2ban's log names the rule", async () => {
    guessPasswords(PRIVATE);
    await waitFor(
      async () => fail2ban?.output().includes('protectSpecialRanges') ?? false,
      `the refusal in fail2ban's log:\n${fail2ban?.output()}`,
      WAIT_MS,
    );
    await waitFor(async () => events().some((e) => e.startsWith(`refused: ${PRIVATE}`)), "serve's log of the refusal", WAIT_MS);
    expect(await served()).to.not.include(PRIVATE);
  });

  it('stopping fail2ban unbans its own addresses one by one (no /flushchain), and no log holds the token', async () => {
    const mark = events().length;
    guessPasswords(SECOND_GUESSER);
    await waitFor(async () => (await served()).includes(SECOND_GUESSER), `${SECOND_GUESSER} in /plain.txt`, WAIT_MS);
    client('stop');
    await fail2ban?.exited;
    // fail2ban retries a failed ban once (after actioncheck): the private address's second refusal may come after the mark.
    const own = () =>
      events()
        .slice(mark)
        .filter((e) => !e.startsWith(`refused: ${PRIVATE}`));
    const removed = `edge ban removed ${SECOND_GUESSER}`;
    await waitFor(async () => own().some((e) => e === removed || e === 'edge bans flushed'), 'the unban at the stop', WAIT_MS);
    expect(own(), JSON.stringify(events())).to.deep.equal([`edge ban accepted ${SECOND_GUESSER}`, removed]);
    await waitFor(async () => !(await served()).includes(SECOND_GUESSER), `${SECOND_GUESSER} gone from /plain.txt`, WAIT_MS);
    expect(fail2ban?.output()).to.not.include(TOKEN);
    expect(serve?.stderr()).to.not.include(TOKEN);
  });
});
