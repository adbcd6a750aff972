/**
 * bench/lib/headline.ts — the main part of a bench run: every target started at once on the
 * gateway core (the thin floor, Tollgate with in-process and with Redis counters, nginx, Portkey),
 * then the throughput rounds scenario by scenario (bench/lib/rounds.ts), the fixed-rate latency
 * and streamed time to first byte (each paired with the fake called directly), the paced-chunk
 * check, and at the end every Tollgate's ledger counted against what it was sent.
 */
import { transpileForNode } from './transpile.js';
import type { Bench } from './bench.js';
import { sleep } from './bench.js';
import { countLedger } from './ledger.js';
import { measureFixedRate, measureStreams, requestOf, type Target } from './measure.js';
import { startNginx, startPortkey, portkeyVersion } from './peers.js';
import type { Started } from './processes.js';
import type { InstanceReport } from './results.js';
import { rounds } from './rounds.js';
import { allScenarios, titleOf, type ScenarioId } from './scenarios.js';

interface Gateway {
  target: Target;
  started: Started;
  config: ReturnType<Bench['config']>;
  instance: Partial<InstanceReport>;
}

export async function headline(bench: Bench, fake: Target, options: { redis: boolean; peers: boolean; plain: boolean; baseline?: string; scenarios?: string[] }): Promise<void> {
  const { settings, results } = bench;
  const gatewayCpus = settings.pinned ? settings.gatewayCpus : undefined;
  const repoRoot = bench.options.repoRoot;

  bench.log('starting the thin floor');
  const floorProcess = await bench.start({
    name: 'thin floor',
    nodeArgs: ['--trace-gc', ...bench.options.nodeFlags, transpileForNode(repoRoot, 'bench/thin-proxy.ts'), '--upstream', fake.url],
    cpus: gatewayCpus,
    cwd: repoRoot,
    listening: /"message":"thin proxy listening","url":"([^"]+)"/,
  });
  const floor = bench.target('floor', 'Thin Node proxy (the floor)', 'proxy', floorProcess);
  const helpers: Started[] = [floorProcess];
  const others: Target[] = [];

  const gateways: Gateway[] = [];
  const variants = [
    { id: 'tollgate', label: 'Tollgate, in-process counters', redis: false, build: undefined as string | undefined },
    ...(options.baseline ? [{ id: 'tollgate-baseline', label: `Tollgate built in ${options.baseline}/, in-process counters`, redis: false, build: options.baseline }] : []),
    ...(options.redis ? [{ id: 'tollgate-redis', label: 'Tollgate, Redis counters', redis: true, build: undefined }] : []),
  ];
  for (const variant of variants) {
    bench.log(`starting ${variant.label}`);
    const config = bench.config(variant.id, fake.url, variant.redis);
    const started = await bench.startTollgate(config, { cpus: gatewayCpus, build: variant.build });
    const target = bench.target(variant.id, variant.label, 'tollgate', started);
    gateways.push({ target, started, config, instance: { startRssMb: target.idleRssMb } });
    others.push(target);
  }

  if (options.peers) {
    bench.log('starting nginx');
    const nginx = await startNginx(bench, fake.url, gatewayCpus);
    if (typeof nginx === 'string') results.notes.push(nginx);
    else {
      helpers.push(nginx);
      // The master process and its one worker.
      others.push(bench.target('nginx', 'nginx proxy_pass (native ceiling)', 'proxy', nginx, true));
    }
    bench.log('starting the Portkey gateway');
    const portkey = await startPortkey(bench, gatewayCpus);
    if (typeof portkey === 'string') results.notes.push(portkey);
    else {
      helpers.push(portkey);
      const target = bench.target('portkey', `Portkey gateway ${portkeyVersion}`, 'portkey', portkey);
      target.headers = { 'x-portkey-custom-host': `${fake.url}/v1` };
      others.push(target);
    }
  } else results.notes.push('nginx and Portkey skipped (--no-peers).');
  if (options.plain) {
    const plain = await bench.start({
      name: 'plain proxy',
      nodeArgs: ['--trace-gc', ...bench.options.nodeFlags, transpileForNode(repoRoot, 'bench/plain-proxy.ts'), '--upstream', fake.url],
      cpus: gatewayCpus,
      cwd: repoRoot,
      listening: /"message":"plain proxy listening","url":"([^"]+)"/,
    });
    helpers.push(plain);
    others.push(bench.target('plain', 'Plain Node proxy (headers copied, body piped)', 'proxy', plain));
  }

  const all = [floor, ...others];
  const scenarios = allScenarios().filter((scenario) =>
    options.scenarios ? options.scenarios.includes(scenario.id) : scenario.throughput && (!settings.quick || scenario.quick),
  );
  // One request of each before any load: a misconfigured target must not pass for a fast one.
  const broken = new Set<string>();
  for (const target of all) {
    for (const scenario of [...scenarios.map((scenario) => scenario.id), 'anthropic-stream', 'paced', 'anthropic-paced']) {
      if (!requestOf(target, scenario)) continue;
      try {
        await bench.sanityCheck(target, scenario);
      } catch (error) {
        if (target.kind === 'tollgate' || target === floor) throw error;
        broken.add(`${target.id}/${scenario}`);
        results.notes.push(`${target.label} left out of "${titleOf(scenario)}": ${(error as Error).message.split('\n')[0].slice(0, 300)}`);
      }
    }
  }
  for (const target of all) await bench.warmUp(target);

  for (const scenario of scenarios) {
    const targets = all.filter(
      (target) =>
        requestOf(target, scenario.id) &&
        !broken.has(`${target.id}/${scenario.id}`) &&
        (target.id !== 'tollgate-redis' || scenario.redis),
    );
    bench.log(`${titleOf(scenario.id)}: ${settings.rounds} rounds of ${settings.blockS} s blocks over ${targets.map((target) => target.id).join(', ')}`);
    results.rounds.push(...(await rounds(bench, scenario.id, targets, { rounds: settings.rounds, blockS: settings.blockS, warmS: 1, connections: settings.connections })));
    if (scenario.id === 'chat') {
      // Does the ledger keep up with the top rate? Rows still to be written now, and 1 s later.
      for (const gateway of gateways) {
        gateway.instance.topRate = results.rounds.find((row) => row.scenario === 'chat' && row.target === gateway.target)?.rps;
        gateway.instance.backlogAtEnd = Math.max(0, gateway.target.sent - countLedger(gateway.config.sqlite).rows);
      }
      await sleep(1000);
      for (const gateway of gateways) gateway.instance.backlogAfter1s = Math.max(0, gateway.target.sent - countLedger(gateway.config.sqlite).rows);
    }
  }

  const fixed = { rate: settings.rate, durationS: settings.fixedS, warmS: settings.fixedWarmS, connections: settings.connections };
  bench.log(`${settings.rate} req/s fixed rate: the fake called directly, then each target right after it`);
  results.fixedRate.push({ ...(await measureFixedRate(fake, 'chat', fixed)) });
  for (const target of [floor, ...gateways.map((gateway) => gateway.target)]) {
    const baseline = (await measureFixedRate(fake, 'chat', fixed)).result;
    results.fixedRate.push({ ...(await measureFixedRate(target, 'chat', fixed)), baseline });
  }

  const probe = { rate: settings.streamRate, durationS: settings.streamS, connections: settings.connections };
  for (const scenario of ['stream', 'anthropic-stream'] as ScenarioId[]) {
    bench.log(`time to first byte, ${titleOf(scenario)}`);
    for (const target of [fake, floor, ...gateways.map((gateway) => gateway.target)]) {
      if (target.id === 'tollgate-redis' && scenario !== 'stream') continue;
      results.streams.push(await measureStreams(target, scenario, probe, 5));
    }
  }
  for (const scenario of ['paced', 'anthropic-paced'] as ScenarioId[]) {
    bench.log(`chunk timing, ${titleOf(scenario)}`);
    for (const target of [fake, ...gateways.map((gateway) => gateway.target)]) {
      if (target.id === 'tollgate-redis' && scenario !== 'paced') continue;
      results.paced.push(await measureStreams(target, scenario, { count: settings.pacedCount }, 2));
    }
  }

  for (const started of helpers) await bench.stop(started);
  for (const gateway of gateways) results.instances.push({ ...(await bench.stopTollgate(gateway.started, gateway.target, gateway.config)), ...gateway.instance });
  results.idle = all.map((target) => ({ label: target.label, rssMb: target.idleRssMb ?? NaN, peakMb: target.peakRssMb }));
}
