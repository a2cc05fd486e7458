/**
 * What a person sees on a terminal, read from a real pseudo-terminal's screen (test/helpers/terminal.ts):
 * `sync`'s progress line stays at the bottom with log lines above it, a wait counts down, and
 * `push` shows the step each device is at while it is at it. Off a terminal the same runs write
 * plain lines without control characters.
 */
import { expect } from 'chai';
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { runCli } from '../helpers/cli.js';
import { simulatorDevice } from '../helpers/cli-config.js';
import { startFakeApiban, type FakeApiban } from '../helpers/fake-apiban.js';
import { startCiscoIos, type IosSimulator } from '../helpers/sim-cisco-ios.js';
import { TerminalRun } from '../helpers/terminal.js';
import { manyAddresses, tempDir } from '../sync/support.js';

const PRETTY_LOG_LINE = /^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\.\d{3}Z (TRACE|DEBUG|INFO|WARN|ERROR|FATAL) /;
/** A character a terminal acts on (carriage return, escape, ...) other than the line feed. */
const controlCharacter = (text: string) => [...text].find((c) => c !== '\n' && (c.charCodeAt(0) < 0x20 || c.charCodeAt(0) === 0x7f));

describe('the terminal (a real pty)', function () {
  this.timeout(60_000);

  describe('sync', () => {
    let fake: FakeApiban;
    let dir: ReturnType<typeof tempDir>;
    let configFile: string;
    const env = () => ({ APIBAN_KEY: fake.key, APIBAN_STATE_DIR: join(dir.path, 'state') });

    beforeEach(async () => {
      dir = tempDir();
      fake = await startFakeApiban({ addresses: manyAddresses(250) });
      // Two requests per 4 s: the retry after the failed second request waits out the window (~3 s).
      configFile = join(dir.path, 'config.json');
      writeFileSync(configFile, JSON.stringify({ apiban: { baseUrl: fake.url, budget: { requests: 2, window: '4s' } } }));
      let asked = 0;
      fake.onRequest = () => {
        if (++asked === 1) fake.fail('5xx', 1);
      };
    });
    afterEach(async () => {
      await fake.close();
      dir.remove();
    });

    it('writes log lines above the progress line, counts a wait down, and leaves only the summary', async () => {
      const run = new TerminalRun(['-c', configFile, 'sync'], { env: env() });
      const waits: number[] = [];
      await run.waitFor((screen) => {
        const left = /; waiting (\d+) s: APIBAN allows 2 requests per 4 seconds$/.exec(screen.cursorLine());
        if (left !== null && waits.at(-1) !== Number(left[1])) waits.push(Number(left[1]));
        return waits.length >= 2;
      }, 'a wait counting down');
      expect(waits[1], `the seconds left go down: ${waits}`).to.be.lessThan(waits[0]);
      expect(run.cursorLine(), 'the progress line is on the bottom line').to.match(/^sync: 1 page\(s\), 250 entries so far; waiting/);
      const code = await run.exit;
      const lines = run.lines();
      expect(code, lines.join('\n')).to.equal(0);
      const warning = lines.find((line) => line.includes('retrying'));
      expect(warning, lines.join('\n')).to.match(PRETTY_LOG_LINE);
      expect(warning).to.match(/ WARN apiban: .*503.*; retrying/);
      expect(
        lines.filter((line) => line.includes('so far')),
        'no progress text left on the screen',
      ).to.deep.equal([]);
      expect(lines.at(-1)).to.match(/^sync ok: full, 1 page\(s\)/);
      expect(
        lines.every((line) => PRETTY_LOG_LINE.test(line) || line.startsWith('sync ok: ')),
        lines.join('\n'),
      ).to.equal(true);
    });

    it('off a terminal writes each wait once as a log line and no control characters', async () => {
      const result = await runCli(['-c', configFile, 'sync'], { env: env() });
      expect(result.code, result.stderr).to.equal(0);
      expect(controlCharacter(result.stderr), JSON.stringify(result.stderr)).to.equal(undefined);
      const logged = result.stderr
        .trim()
        .split('\n')
        .map((line) => JSON.parse(line) as { msg: string; component?: string; waitMs?: number });
      const waits = logged.filter((line) => line.msg.startsWith('waiting '));
      expect(waits, 'one line for the one wait').to.have.length(1);
      expect(waits[0]).to.include({ component: 'sync' });
      expect(waits[0].msg).to.match(/^waiting \d s: APIBAN allows 2 requests per 4 seconds$/);
    });
  });

  describe('push', () => {
    let sim: IosSimulator;
    let dir: ReturnType<typeof tempDir>;
    let configFile: string;

    beforeEach(async () => {
      sim = await startCiscoIos({ auth: { username: 'ops', password: 'pw-2718' } });
      dir = tempDir();
      configFile = join(dir.path, 'config.json');
      writeFileSync(
        configFile,
        JSON.stringify({
          sources: [{ name: 'sample', sample: true }],
          push: { devices: [simulatorDevice(sim.device, { name: 'edge1', driver: 'cisco-ios', passwordEnv: 'EDGE_PW' })] },
        }),
      );
    });
    afterEach(async () => {
      await sim.device.close();
      dir.remove();
    });

    it("shows each device's step while the device is at it", async () => {
      const env = { APIBAN_STATE_DIR: join(dir.path, 'state'), EDGE_PW: 'pw-2718' };
      const run = new TerminalRun(['-c', configFile, 'push', '--all', '--no-sync'], { env });
      const seen: string[] = [];
      let configured = false;
      // The device answers the first line of each step only once the screen shows that step.
      const stepOf = (line: string): string | undefined => {
        if (line === 'terminal length 0') return 'connecting';
        if (line === 'configure terminal') {
          configured = true;
          return 'applying';
        }
        if (line.startsWith('show ')) return configured ? 'verifying' : 'reading';
        return undefined;
      };
      sim.device.options.holdBefore = (line) => {
        const step = stepOf(line);
        if (step === undefined || seen.includes(step)) return undefined;
        seen.push(step);
        return run.waitFor((screen) => screen.cursorLine() === `push: 0/1 done; edge1: ${step}`, `edge1: ${step}`);
      };
      const code = await run.exit;
      const lines = run.lines();
      expect(code, lines.join('\n')).to.equal(0);
      expect(seen).to.deep.equal(['connecting', 'reading', 'applying', 'verifying']);
      expect(
        lines.filter((line) => /^push: \d+\/\d+ done/.test(line)),
        'the progress line is gone',
      ).to.deep.equal([]);
      expect(lines.find((line) => line.startsWith('edge1 '))).to.match(/^edge1\s+\d+\s+0\s+\d+\s+\S+s\s+changed$/);
    });
  });
});
