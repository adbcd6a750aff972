/**
 * bench/run.ts — `npm run bench`: Tollgate against the thinnest Node proxy, nginx and Portkey.
 *
 * Starts the fake upstream (bench/fake-upstream.ts) and the load generator (wrk, else autocannon)
 * on one core, and on the other, all at once (each idle while another is measured): the thin
 * floor (bench/thin-proxy.ts), Tollgate with every feature on (auth, quotas, metering, the SQLite
 * ledger, metrics, access log) and in-process quota counters, the same with Redis counters, nginx
 * (`proxy_pass`, the native ceiling) and the Portkey gateway (installed outside the project at
 * bench time: bench/lib/peers.ts). Each throughput scenario (bench/scenarios/) runs in rounds of
 * short blocks, floor first then every other target (bench/lib/rounds.ts): the ratios to the
 * floor are per round (median and spread), and CPU µs per request comes from /proc for every
 * target. Then: added latency at a fixed rate and streamed time to first byte against the fake
 * called directly, memory idle and under load, the ledger count, what observability costs,
 * `serve --workers N` against one process, and optionally a soak and a CPU profile. Prints the
 * tables and writes docs/benchmarks.md (keeping its hand-written "Hot path and profile" part).
 *
 *   npm run bench [-- --quick] [--rounds N] [--block S] [--soak S] [--workers N] [--no-redis] [--profile]
 *
 * --quick           short runs (two rounds of 1 s blocks, chat/stream/Anthropic only): a smoke test
 * --rounds N        rounds of alternating blocks per scenario (default 5, --quick 2)
 * --block S         seconds per block, whole seconds for wrk (default 3, --quick 1)
 * --duration S      seconds of the profile's measurements (default 8, --quick 2)
 * --soak S          then S seconds of mixed load on a fresh gateway, sampling RSS every 5 s
 * --workers N       `serve --workers N` against one process (default 2 when the CLI has --workers,
 *                   none with --quick; 0 skips)
 * --no-redis        skip the Redis-backed gateway
 * --no-peers        skip nginx and Portkey
 * --plain           also the older plain proxy (bench/plain-proxy.ts: headers copied, body piped)
 * --baseline DIR    also Tollgate from another build, DIR beside dist/ (`cp -r dist dist-before`,
 *                   make the change, `npm run bench -- --baseline dist-before`): a change's before
 *                   and after in the same rounds, on the same machine load
 * --scenarios A,B   only these throughput scenarios (e.g. chat,stream)
 * --headline-only   the throughput rounds, latency and streams only (no observability, cluster or
 *                   reports parts)
 * --profile         then a CPU profile of the gateway: at saturation under non-streamed chat
 *                   (--profile-scenario stream|anthropic|prompt|large|rest for another), then at the fixed
 *                   rate with an event-loop monitor: what ran while requests waited
 * --profile-only    only the profile: prints it and rewrites just the profile part of the report
 * --profile-redis   profile the gateway with Redis quota counters instead of in-process ones
 * --connections N   connections for the throughput runs (default 32)
 * --rate N          the fixed rate of the added-latency runs (default 1000 req/s)
 * --out FILE        where to write the report (default docs/benchmarks.md; "-" for none)
 * --keep            keep the temporary folder (configs, SQLite ledgers, profiles)
 * --node-flags "F"  extra Node/V8 flags for Tollgate and the thin floor alike, to try runtime
 *                   settings (e.g. "--max-semi-space-size=8"); Tollgate's own come first, so these win
 * --no-gateway-flags  start Tollgate without its V8 settings (src/cli/runtime-flags.ts), to see
 *                   what they change
 * --observability-only  only what observability costs: Tollgate with metrics, access log and
 *                   tracing off, alternating with metrics on, tracing on at 10% sampling, and all on
 * --reports-only    only the reports benchmark (bench/lib/reports-bench.ts): seeds the rollups of
 *                   ten million ledger rows and times a month's report by tenant and day; writes
 *                   docs/benchmarks-reports.md (the full run does it too, after the load tests)
 * --no-reports      skip the reports benchmark at the end of a full run
 * --reports-rows N  ledger rows the reports benchmark seeds (default 10000000)
 *
 * Environment: TOLLGATE_BENCH_LOADGEN=autocannon forces the fallback load generator;
 * TOLLGATE_BENCH_PEERS_DIR moves the peers' install folder; TOLLGATE_BENCH_REDIS_URL.
 */
import { existsSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { cpus, tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { parseArgs } from 'node:util';
import { Bench } from './lib/bench.js';
import { headline } from './lib/headline.js';
import { clusterRows } from './lib/cluster-rows.js';
import { describeMachine } from './lib/machine.js';
import { configureWrk, helperPids, loadGenerator } from './lib/measure.js';
import './scenarios/index.js';
import { hasTaskset, pinSelf } from './lib/processes.js';
import { profile } from './lib/profile-run.js';
import { redisAnswers } from './lib/redis.js';
import { renderConsole, renderMarkdown, renderObservabilityConsole, replaceObservability, replaceProfile } from './lib/report.js';
import type { Results, Settings } from './lib/results.js';
import type { ScenarioId } from './lib/scenarios.js';
import { soak } from './lib/soak.js';
import { observabilityCost } from './lib/observability-cost.js';
import { renderReportsMarkdown, reportsBench } from './lib/reports-bench.js';
import { transpileForNode } from './lib/transpile.js';
import { gatewayNodeFlags } from '../src/cli/runtime-flags.js';

const repoRoot = fileURLToPath(new URL('..', import.meta.url));
const argv = process.argv.slice(2);
const { values } = parseArgs({
  args: argv,
  options: {
    duration: { type: 'string' },
    rounds: { type: 'string' },
    block: { type: 'string' },
    'no-peers': { type: 'boolean', default: false },
    plain: { type: 'boolean', default: false },
    baseline: { type: 'string' },
    'headline-only': { type: 'boolean', default: false },
    scenarios: { type: 'string' },
    'no-reports': { type: 'boolean', default: false },
    quick: { type: 'boolean', default: false },
    soak: { type: 'string' },
    workers: { type: 'string' },
    'no-redis': { type: 'boolean', default: false },
    profile: { type: 'boolean', default: false },
    'profile-scenario': { type: 'string', default: 'chat' },
    'profile-redis': { type: 'boolean', default: false },
    'profile-only': { type: 'boolean', default: false },
    connections: { type: 'string', default: '32' },
    rate: { type: 'string', default: '1000' },
    out: { type: 'string' },
    keep: { type: 'boolean', default: false },
    'node-flags': { type: 'string', default: '' },
    'no-gateway-flags': { type: 'boolean', default: false },
    'observability-only': { type: 'boolean', default: false },
    'reports-only': { type: 'boolean', default: false },
    'reports-rows': { type: 'string', default: '10000000' },
    help: { type: 'boolean', default: false },
  },
});
if (values.help) {
  const source = readFileSync(fileURLToPath(import.meta.url), 'utf8');
  process.stdout.write(`${/\/\*\*([\s\S]*?)\*\//.exec(source)![1].replace(/^ \* ?/gm, '').trim()}\n`);
  process.exit(0);
}

const quick = values.quick;
const durationS = Number(values.duration ?? (quick ? 2 : 8));
const cores = cpus().length;
const pinned = hasTaskset && cores >= 2;
const settings: Settings = {
  quick,
  durationS,
  secondaryS: durationS * 0.4,
  startWarmS: quick ? 1 : 2,
  warmS: quick ? 0.3 : 0.5,
  connections: Number(values.connections),
  rounds: Number(values.rounds ?? (quick ? 2 : 5)),
  blockS: Math.max(1, Math.round(Number(values.block ?? (quick ? 1 : 3)))),
  rate: Number(values.rate),
  fixedS: Math.max(1, durationS * 0.4),
  fixedWarmS: quick ? 0.5 : 1,
  // Well under any target's capacity on a busy machine: time to first byte, not a queue.
  streamRate: 50,
  streamS: quick ? 2 : 4,
  pacedCount: quick ? 3 : 6,
  pinned,
  gatewayCpus: pinned ? '0' : 'any',
  loadCpus: pinned ? `1${cores > 2 ? `-${cores - 1}` : ''}` : 'any',
  chunks: 64,
  nodeFlags: values['node-flags'],
  gatewayFlags: values['no-gateway-flags'] ? [] : [...gatewayNodeFlags],
};
const results: Results = {
  startedAt: new Date(),
  command:
    process.env.npm_lifecycle_event === 'bench'
      ? `npm run bench${argv.length > 0 ? ` -- ${argv.join(' ')}` : ''}`
      : `npx tsx bench/run.ts${argv.length > 0 ? ` ${argv.join(' ')}` : ''}`,
  machine: describeMachine(),
  settings,
  notes: [],
  throughput: [],
  fixedRate: [],
  streams: [],
  paced: [],
  instances: [],
  rounds: [],
  loadGenerator,
  observability: [],
  cluster: { available: false, note: '' },
};
const tmp = mkdtempSync(join(tmpdir(), 'tollgate-bench-'));
const bench = new Bench(settings, results, {
  repoRoot,
  tmp,
  redisUrl: process.env.TOLLGATE_BENCH_REDIS_URL ?? 'redis://127.0.0.1:6379',
  nodeFlags: values['node-flags'].split(/\s+/).filter(Boolean),
  gatewayFlags: settings.gatewayFlags,
  keep: values.keep,
});
configureWrk({ threads: pinned ? cores - 1 : cores, scriptDir: tmp });
process.on('exit', () => bench.killAll());
process.on('SIGINT', () => {
  bench.killAll();
  process.exit(130);
});

/** The reports benchmark, in this process; its own report file, so the load figures are untouched. */
async function reportsPart(): Promise<void> {
  bench.log('reports: seeding the rollups of ledger rows, then timing reports');
  const result = await reportsBench({ ledgerRows: Number(values['reports-rows']), log: (line) => bench.log(`reports: ${line}`) });
  const machine = describeMachine();
  const text = renderReportsMarkdown(result, results.command, `${machine.cpu} (${machine.cores} cores), Node ${machine.node}`);
  process.stdout.write(`\n${text}\n`);
  if (values.out !== '-') {
    writeFileSync(resolve(repoRoot, 'docs/benchmarks-reports.md'), text);
    bench.log('wrote docs/benchmarks-reports.md');
  }
}

async function main(): Promise<void> {
  if (values['reports-only']) return reportsPart();
  if (pinned && !pinSelf(settings.loadCpus)) results.notes.push('Could not pin the load generator; it floats over every core.');
  if (!pinned) results.notes.push(hasTaskset ? 'One core only: nothing is pinned.' : '`taskset` not found: nothing is pinned.');
  if (!existsSync(join(repoRoot, 'dist/src/cli/main.js'))) throw new Error('dist/src/cli/main.js is missing: run `npm run build` first (npm run bench does).');
  await bench.waitForQuiet(quick ? 3 : 10);

  bench.log('starting the fake upstream');
  const fake = await bench.start({
    name: 'fake upstream',
    nodeArgs: ['--trace-gc', transpileForNode(repoRoot, 'bench/fake-upstream.ts'), '--chunks', String(settings.chunks)],
    cpus: pinned ? settings.loadCpus : undefined,
    cwd: repoRoot,
    listening: /"message":"fake upstream listening","url":"([^"]+)"/,
    readyPath: '/health',
  });
  helperPids.add(fake.pid);
  bench.direct = bench.target('direct', 'Fake upstream, direct (the limit)', 'direct', fake);
  if (values['profile-only']) {
    await profile(bench, fake.url, values['profile-scenario'] as ScenarioId, values['profile-redis']);
    await bench.stop(fake);
    return;
  }
  if (values['observability-only']) {
    bench.log('observability: what metrics and tracing cost');
    await observabilityCost(bench, fake.url);
    await bench.stop(fake);
    return;
  }
  const redisUp = !values['no-redis'] && (await redisAnswers(bench.options.redisUrl));
  if (values['no-redis']) results.notes.push('Redis-backed gateway skipped (--no-redis).');
  else if (!redisUp) results.notes.push(`Redis-backed gateway skipped: nothing answered PING at ${bench.options.redisUrl}.`);
  await headline(bench, bench.direct, { redis: redisUp, peers: !values['no-peers'], plain: values.plain, baseline: values.baseline, scenarios: values.scenarios?.split(',').filter(Boolean) });
  if (values['headline-only']) {
    await bench.stop(fake);
    return;
  }

  bench.log('observability: what metrics and tracing cost');
  await observabilityCost(bench, fake.url);

  await clusterRows(bench, fake.url, { workers: values.workers === undefined ? undefined : Number(values.workers), redisUp });
  if (values.soak) await soak(bench, fake.url, Number(values.soak));
  if (values.profile) await profile(bench, fake.url, values['profile-scenario'] as ScenarioId, values['profile-redis']);
  await bench.stop(fake);
  if (quick || values['no-reports']) bench.log('reports benchmark skipped (`npm run bench -- --reports-only` runs it)');
  else await reportsPart();
}

main()
  .then(() => {
    results.finishedAt = new Date();
    if (values['reports-only']) return;
    if (values['observability-only']) process.stdout.write(`\n${renderObservabilityConsole(results)}\n`);
    else if (!values['profile-only']) process.stdout.write(`\n${renderConsole(results)}\n`);
    const outFile = values.out ?? 'docs/benchmarks.md';
    if (outFile !== '-') {
      const out = resolve(repoRoot, outFile);
      const previous = existsSync(out) ? readFileSync(out, 'utf8') : undefined;
      // --profile-only changes only the profile part of an existing report (nothing else was measured).
      const text = values['profile-only']
        ? previous
          ? replaceProfile(results, previous)
          : undefined
        : values['observability-only']
          ? previous
            ? replaceObservability(results, previous)
            : undefined
          : renderMarkdown(results, previous);
      if (text) {
        writeFileSync(out, text);
        bench.log(`wrote ${outFile}${values['profile-only'] ? ' (its profile part)' : ''}`);
      }
    }
  })
  .catch((error: unknown) => {
    process.stderr.write(`\nbench failed: ${error instanceof Error ? (error.stack ?? error.message) : String(error)}\n`);
    process.exitCode = 1;
  })
  .finally(() => {
    bench.killAll();
    if (!values.keep) rmSync(tmp, { recursive: true, force: true });
    else bench.log(`kept ${tmp}`);
  });
