import { expect } from 'chai';
import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { DeviceError, HostKeyError } from '../../src/errors.js';
import { silentLogger } from '../../src/log.js';
import { connectSsh, type SshEndpoint } from '../../src/push/ssh.js';
import type { DriverContext } from '../../src/push/driver.js';
import { startCiscoIos, type IosSimulator } from '../helpers/sim-cisco-ios.js';
import { generateKeyPair } from '../helpers/ssh-device.js';

const PROMPT = /^[\w.-]+(\([\w-]+\))?[>#] ?$/;

function context(overrides: Partial<DriverContext> = {}): DriverContext {
  return { log: silentLogger, signal: new AbortController().signal, acceptNewHostKey: false, ...overrides };
}

function targetFor(sim: IosSimulator, overrides: Partial<SshEndpoint> = {}): SshEndpoint {
  return {
    name: 'r1',
    host: '127.0.0.1',
    port: sim.device.port,
    timeoutMs: 3000,
    credentials: { username: 'admin', password: 'secret-pw' },
    hostKey: { fingerprints: [sim.device.fingerprint] },
    ...overrides,
  };
}

async function rejection(promise: Promise<unknown>): Promise<Error> {
  try {
    await promise;
  } catch (error) {
    return error as Error;
  }
  throw new Error('expected a rejection');
}

describe('push/ssh', () => {
  let sim: IosSimulator;
  const dir = mkdtempSync(join(tmpdir(), 'apiban-ssh-'));

  beforeEach(async () => {
    sim = await startCiscoIos({ auth: { username: 'admin', password: 'secret-pw' } }, { enablePassword: 'en-secret' });
    sim.model.seed(
      'APIBAN-V4',
      false,
      Array.from({ length: 60 }, (_, i) => `192.0.2.${i}`),
    );
  });
  afterEach(() => sim.device.close());

  describe('host keys', () => {
    it('refuses a key that does not match the pinned fingerprint, showing the presented one', async () => {
      const other = 'SHA256:AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA';
      const error = await rejection(connectSsh(targetFor(sim, { hostKey: { fingerprints: [other] } }), context()));
      expect(error).to.be.instanceOf(HostKeyError);
      expect(error.message).to.contain(sim.device.fingerprint).and.not.contain('secret-pw');
      expect(sim.device.received).to.deep.equal([]);
    });

    it('refuses an unknown key and records it only with --accept-new-host-key', async () => {
      const file = join(dir, `kh-${sim.device.port}`);
      const target = targetFor(sim, { hostKey: { fingerprints: [], knownHostsFile: file } });
      const error = await rejection(connectSsh(target, context()));
      expect(error.message).to.contain('unknown').and.contain(sim.device.fingerprint);
      const accepted = await connectSsh(target, context({ acceptNewHostKey: true }));
      await accepted.close();
      expect(readFileSync(file, 'utf8').trim()).to.equal(sim.device.knownHostsLine);
      const again = await connectSsh(target, context());
      await again.close();
    });

    it('never accepts a changed key, even with --accept-new-host-key', async () => {
      const file = join(dir, `changed-${sim.device.port}`);
      const stranger = generateKeyPair().publicKey.split(' ').slice(0, 2).join(' ');
      writeFileSync(file, `# comment\n[127.0.0.1]:${sim.device.port} ${stranger}\n`);
      const error = await rejection(
        connectSsh(targetFor(sim, { hostKey: { fingerprints: [], knownHostsFile: file } }), context({ acceptNewHostKey: true })),
      );
      expect(error.message).to.contain('CHANGED');
      expect(readFileSync(file, 'utf8')).not.to.contain(sim.device.knownHostsLine.split(' ')[2]);
    });

    it('matches hashed known_hosts entries', async () => {
      const { createHmac, randomBytes } = await import('node:crypto');
      const salt = randomBytes(20);
      const hash = createHmac('sha1', salt).update(`[127.0.0.1]:${sim.device.port}`).digest('base64');
      const file = join(dir, `hashed-${sim.device.port}`);
      writeFileSync(file, `|1|${salt.toString('base64')}|${hash} ${sim.device.knownHostsLine.split(' ').slice(1).join(' ')}\n`);
      const connection = await connectSsh(targetFor(sim, { hostKey: { fingerprints: [], knownHostsFile: file } }), context());
      await connection.close();
    });
  });

  describe('authentication', () => {
    it('fails with a DeviceError that names the user but never the password', async () => {
      const error = await rejection(connectSsh(targetFor(sim, { credentials: { username: 'admin', password: 'wrong-pw' } }), context()));
      expect(error).to.be.instanceOf(DeviceError);
      expect(error.message).to.contain('authentication failed for admin@127.0.0.1').and.not.contain('wrong-pw');
    });

    it('logs in with a private key', async () => {
      const pair = generateKeyPair();
      sim.device.options = { auth: { username: 'admin', publicKeys: [pair.publicKey] } };
      const connection = await connectSsh(
        targetFor(sim, { credentials: { username: 'admin', privateKey: Buffer.from(pair.privateKey) } }),
        context(),
      );
      await connection.close();
    });

    it('answers keyboard-interactive with the password', async () => {
      sim.device.options = { auth: { username: 'admin', password: 'kbd-pw', keyboardInteractiveOnly: true } };
      const connection = await connectSsh(targetFor(sim, { credentials: { username: 'admin', password: 'kbd-pw' } }), context());
      await connection.close();
    });
  });

  describe('errors after the connection', () => {
    it('outlives every later ssh2 error event, connected or given up while connecting', async () => {
      // ssh2 emits 'error' again after a fatal one; an 'error' event nobody listens to throws.
      const connection = await connectSsh(targetFor(sim), context());
      expect(() => {
        connection.client.emit('error', new Error('first, after ready'));
        connection.client.emit('error', new Error('Instance unusable after fatal error'));
      }).not.to.throw();
      await connection.close();

      const stop = new AbortController();
      const { default: ssh2 } = await import('ssh2');
      const created: InstanceType<typeof ssh2.Client>[] = [];
      const connect = ssh2.Client.prototype.connect;
      ssh2.Client.prototype.connect = function (this: InstanceType<typeof ssh2.Client>, ...args: Parameters<typeof connect>) {
        created.push(this);
        stop.abort(); // given up on while the handshake is under way
        return connect.apply(this, args);
      };
      try {
        const error = await rejection(connectSsh(targetFor(sim), context({ signal: stop.signal })));
        expect(error.message).to.include('timed out or stopped while connecting');
      } finally {
        ssh2.Client.prototype.connect = connect;
      }
      expect(() => {
        created[0].emit('error', new Error('late'));
        created[0].emit('error', new Error('Instance unusable after fatal error'));
      }).not.to.throw();
    });
  });

  describe('interactive CLI', () => {
    it('enters enable mode, answers the pager and strips echo and prompt', async () => {
      const connection = await connectSsh(targetFor(sim), context());
      const cli = await connection.openCli({ prompt: PROMPT, commandTimeoutMs: 2000 });
      expect(cli.lastPrompt).to.equal('Router>');
      await cli.enable('en-secret');
      expect(cli.lastPrompt).to.equal('Router#');
      const output = await cli.run('show running-config | section object-group');
      const lines = output.split('\n').filter((l) => l !== '');
      expect(lines[0]).to.equal('object-group network APIBAN-V4');
      expect(lines.slice(1)).to.have.length(60);
      // biome-ignore lint/suspicious/noControlCharactersInRegex: no backspace of the pager's erase may be left
      expect(output).not.to.match(/More|\x08/);
      cli.close();
      await connection.close();
    });

    it('reports a wrong enable password without showing it', async () => {
      const connection = await connectSsh(targetFor(sim), context());
      const cli = await connection.openCli({ prompt: PROMPT, commandTimeoutMs: 2000 });
      const error = await rejection(cli.enable('not-it'));
      expect(error.message).to.contain('enable mode refused').and.not.contain('not-it');
      await connection.close();
    });

    it('times out a command when the device is slow', async () => {
      const connection = await connectSsh(targetFor(sim), context());
      const cli = await connection.openCli({ prompt: PROMPT, commandTimeoutMs: 2000 });
      sim.device.options.delayMs = 300;
      const error = await rejection(cli.run('terminal length 0', 100));
      expect(error.message).to.contain('no prompt within 100 ms');
      await connection.close();
    });
  });
});
