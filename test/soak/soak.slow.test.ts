/**
 * The soak: days of unattended operation compressed into minutes. The real CLI as child
 * processes (serve under a restarting supervisor, `push --watch` to a Cisco IOS simulator), fake
 * APIBANs with random faults and a list that changes, a storm of SIGHUPs touching every section
 * (valid and invalid files), kill -9 and clean restarts, concurrent sync/export/push runs and HTTP
 * pollers throughout. Time is compressed by configuration alone: the budget window is seconds
 * (the fake enforces the same window), sync.interval 1 s (--min-interval 150ms for serve and push --watch),
 * fullResync 10-15 s.
 *
 * SOAK_MINUTES sets how long the storm lasts (default 1.2); SOAK_SEED replays a run (the seed
 * is printed first).
 */
import { expect } from 'chai';
import { mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { runCli, type CliResult } from '../helpers/cli.js';
import { startFakeApiban, type FakeApiban } from '../helpers/fake-apiban.js';
import { startCiscoIos, type IosSimulator } from '../helpers/sim-cisco-ios.js';
import { tempDir } from '../sync/support.js';
import { ChangingList, seededRandom, slowAnswers, weather, type Random } from './chaos.js';
import { baseConfig, randomConfig, render, SOURCE_ADDRESSES, type SoakSetup } from './configs.js';
import { CONCURRENT_RUN_TIMEOUT_MS, get, poll, ServeSupervisor, type Violation } from './fleet.js';
import { budgetViolations, everyListedLine, lockErrors, PushWatch, unpublishedBodies } from './checks.js';
import { readHistoryText } from '../../src/sync/history/read.js';
import { present } from '../helpers/present.js';
import { simulatorDevice } from '../helpers/cli-config.js';

const BUDGET = { requests: 11, windowMs: 3000 };
const KEY = 'soak-key-51c7e9';
const PASSWORD = 'soak-sim-pw-2718';
const STORM_MS = Number(process.env.SOAK_MINUTES ?? '1.2') * 60_000;

describe('soak: serve and push --watch through a storm of reloads, kills, faults and load', function () {
  this.timeout(STORM_MS + 150_000);
  const seed = Number(process.env.SOAK_SEED ?? Math.floor(Math.random() * 2 ** 31));
  const random = seededRandom(seed);
  let dir: ReturnType<typeof tempDir>;
  let fakes: FakeApiban[] = [];
  let sims: IosSimulator[] = [];
  let serve: ServeSupervisor | undefined;
  let pushWatch: PushWatch | undefined;

  before(() => {
    console.log(`      soak seed ${seed} (replay: SOAK_SEED=${seed}), storm ${Math.round(STORM_MS / 1000)} s`);
  });
  afterEach(async () => {
    await serve?.stop().catch(() => undefined);
    await pushWatch?.stop().catch(() => undefined);
    for (const sim of sims) await sim.device.close();
    for (const fake of fakes) await fake.close();
    dir?.remove();
  });

  it("keeps answering with consistent bodies, never loses its lock, never exceeds the budget, and ends on the fake's list", async () => {
    dir = tempDir('apiban-soak-');
    fakes = [
      await startFakeApiban({ key: KEY, limit: BUDGET, pageSize: 100 }),
      await startFakeApiban({ key: KEY, limit: BUDGET, pageSize: 100 }),
    ];
    const [apiban, watchApiban] = fakes;
    for (const fake of fakes) slowAnswers(fake, random);
    sims = [
      await startCiscoIos({ auth: { username: 'ops', password: PASSWORD } }),
      await startCiscoIos({ auth: { username: 'ops', password: PASSWORD } }),
    ];
    const list = new ChangingList(fakes, random);
    list.add(300);
    list.add(5);
    apiban.add(['198.18.7.9', '198.18.7.10']);
    list.everListed.add('198.18.7.9');

    const device = (sim: IosSimulator, name: string) => simulatorDevice(sim.device, { name, driver: 'cisco-ios', passwordEnv: 'SIM_PW' });
    const notADirectory = join(dir.path, 'plain-file');
    writeFileSync(notADirectory, 'x');
    const sourceFile = join(dir.path, 'local.txt');
    writeFileSync(sourceFile, `${SOURCE_ADDRESSES.join('\n')}\n`);
    const setup: SoakSetup = {
      apibanUrl: apiban.url,
      stateDir: join(dir.path, 'state'),
      sourceFile,
      notADirectory,
      budget: BUDGET,
      device: device(sims[0], 'edge'),
    };
    const configFile = join(dir.path, 'serve.yaml');
    writeFileSync(configFile, render(baseConfig(setup)));
    const env = { SOAK_KEY: KEY, SIM_PW: PASSWORD };

    const watchDir = join(dir.path, 'watch');
    mkdirSync(watchDir);
    const watchConfig = join(watchDir, 'watch.yaml');
    writeFileSync(
      watchConfig,
      render(baseConfig({ ...setup, apibanUrl: watchApiban.url, stateDir: join(watchDir, 'state'), device: device(sims[1], 'watched') })),
    );

    serve = new ServeSupervisor(configFile, env);
    await serve.start();
    pushWatch = new PushWatch(watchConfig, env);
    pushWatch.start();
    // The storm starts on a daemon that has a set: without one there is nothing to keep serving.
    await waitUntil(
      async () => (await plainLines(present(present(serve, 'the supervisor').current, 'a running serve').port)).length > 0,
      60_000,
    );

    const allowed = new Set([...list.everListed, ...SOURCE_ADDRESSES]);
    const violations: Violation[] = [];
    const servedBodies = new Map<string, string[]>();
    const cli: CliResult[] = [];
    let stormOver = false;
    const pollers = [0, 1, 2].map(() =>
      poll(
        present(serve, 'the supervisor'),
        (lines) => {
          servedBodies.set(lines.join('\n'), lines);
          return everyListedLine(lines, allowed);
        },
        violations,
        () => stormOver,
      ),
    );
    const weatherLoop = (async () => {
      while (!stormOver) {
        weather(list, fakes, random);
        for (const address of list.everListed) allowed.add(address);
        await sleep(random.int(500, 2500));
      }
    })();
    const invocations = concurrentRuns(
      configFile,
      env,
      random,
      cli,
      () => stormOver,
      () => present(serve, 'the supervisor').restarting,
    );
    const started = Date.now();
    const kinds: string[] = [];
    let fileValid = true;
    while (Date.now() - started < STORM_MS) {
      const roll = random.next();
      if (roll < 0.6) {
        const next = randomConfig(setup, random);
        kinds.push(next.kind);
        fileValid = !next.kind.startsWith('invalid');
        writeFileSync(configFile, next.text);
        serve.hangup();
        if (random.chance(0.3)) serve.hangup();
      } else if (roll < 0.82) {
        // A restart reads the file afresh: an invalid one would (rightly) stop it from starting.
        if (!fileValid) writeFileSync(configFile, render(baseConfig(setup)));
        fileValid = true;
        const how = roll < 0.72 ? 'SIGKILL' : 'SIGTERM';
        kinds.push(how);
        await serve.restart(how);
      }
      await sleep(random.int(100, 2000));
    }
    stormOver = true;
    const answered = await Promise.all(pollers);
    await weatherLoop;
    await invocations;
    for (const fake of fakes) fake.heal();

    // The end: the base configuration, a clean restart, and one full resync that must match the fake.
    writeFileSync(configFile, render(baseConfig(setup)));
    await serve.stop();
    const full = await runCli(['-c', configFile, 'sync', '--full'], { env, timeoutMs: 90_000 });
    cli.push(full);
    await serve.start();
    const expected = [...list.current].filter((a) => !a.startsWith('198.18.7.')).sort();
    await waitUntil(
      async () => sameSet(await plainLines(present(present(serve, 'the supervisor').current, 'a running serve').port), expected),
      60_000,
    );
    await pushWatch.stop();

    console.log(
      `      ${kinds.length} storm actions (${kinds.filter((k) => k === 'SIGKILL').length} kill -9, ${kinds.filter((k) => k === 'SIGTERM').length} clean restarts, ${kinds.filter((k) => k.startsWith('invalid')).length} invalid files), ${answered.reduce((a, b) => a + b.answered, 0)} HTTP answers (${answered.reduce((a, b) => a + b.bodies, 0)} bodies checked), ${cli.length} CLI runs, ${apiban.requests.length} APIBAN requests`,
    );
    const logs = [serve.allLogs(), pushWatch.logs(), ...cli.map((r) => r.stderr + r.stdout)].join('\n');
    if (process.env.SOAK_LOG !== undefined) writeFileSync(process.env.SOAK_LOG, logs);
    expect(full.code, full.stderr).to.equal(0);
    expect([...violations, ...serve.violations, ...pushWatch.violations].map((v) => v.what).slice(0, 10), `seed ${seed}`).to.deep.equal([]);
    expect(lockErrors(logs), `seed ${seed}`).to.deep.equal([]);
    for (const fake of fakes) expect(budgetViolations(fake, BUDGET), `seed ${seed}`).to.deep.equal([]);
    expect(unpublishedBodies(servedBodies.values(), await readHistoryText(setup.stateDir)), `seed ${seed}`).to.deep.equal([]);
    const served = (await plainLines(present(serve.current, 'a running serve').port)).map((l) => l.replace(/\/(32|128)$/, ''));
    expect(
      { missing: expected.filter((a) => !served.includes(a)).slice(0, 5), extra: served.filter((a) => !expected.includes(a)).slice(0, 5) },
      `seed ${seed}`,
    ).to.deep.equal({ missing: [], extra: [] });
    expect(
      answered.every((a) => a.bodies > 0),
      'every poller checked bodies',
    ).to.equal(true);
    expect(sims[1].model.entries('APIBAN-V4').length, 'push --watch reached its device').to.be.above(0);
    // 2 only for a file the storm had just made invalid; 3 APIBAN faults, 4 locked by serve, 5 guard, 6 device.
    for (const result of cli) expect([0, 2, 3, 4, 5, 6], result.stderr).to.include(result.code);
    for (const result of cli.filter((r) => r.code === 2)) expect(result.stderr).to.match(/^\[config\]/);
  });
});

/** `sync`, `export` and `push --no-sync` next to the running serve, paused while it restarts. */
async function concurrentRuns(
  configFile: string,
  env: Record<string, string>,
  random: Random,
  results: CliResult[],
  over: () => boolean,
  restarting: () => boolean,
): Promise<void> {
  const commands = [['sync'], ['export', '-t', 'plain'], ['push', '--no-sync', '--all']];
  while (!over()) {
    await sleep(random.int(300, 1500));
    if (!restarting() && !over())
      results.push(await runCli(['-c', configFile, ...random.pick(commands)], { env, timeoutMs: CONCURRENT_RUN_TIMEOUT_MS }));
  }
}

async function plainLines(port: number): Promise<string[]> {
  const answer = await get(port, '/plain.txt').catch(() => undefined);
  return answer?.status === 200
    ? answer.body
        .toString()
        .split('\n')
        .filter((l) => l !== '' && !l.startsWith('#'))
    : [];
}

function sameSet(lines: string[], expected: string[]): boolean {
  const got = lines.map((l) => l.replace(/\/(32|128)$/, '')).sort();
  return got.length === expected.length && got.every((l, i) => l === expected[i]);
}

async function waitUntil(check: () => Promise<boolean>, timeoutMs: number): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!(await check()) && Date.now() < deadline) await sleep(200);
}

function sleep(ms: number): Promise<void> {
  return new Promise((resolve) => setTimeout(resolve, ms));
}
