/**
 * bench/run.ts — `npm run bench`: Tollgate against the runtime's floor and the upstream's limit.
 *
 * Starts the fake upstream (bench/fake-upstream.ts) and this load generator on one core, and on
 * the other, one at a time: a plain Node proxy with no features (bench/plain-proxy.ts), Tollgate
 * with every feature on (auth, quotas, metering, the SQLite ledger) and in-process quota counters,
 * and the same with Redis counters. Every scenario runs against each of them plus the fake called
 * directly. Prints the tables and writes docs/benchmarks.md (keeping its "Hot path and profile"
 * section, which people edit). The parts live in bench/lib/ (bench.ts holds the shared steps).
 *
 *   npm run bench [-- --quick] [--duration S] [--soak S] [--workers N] [--no-redis] [--profile]
 *
 * --duration S      seconds of the headline measurement (non-streamed chat); other scenarios and
 *                   the fixed-rate runs get 40% of it (default 8, --quick 2)
 * --quick           short runs (about a minute, plus the build): a smoke test, low precision
 * --soak S          then S seconds of mixed load on a fresh gateway, sampling RSS every 5 s
 * --workers N       cluster-mode rows with `serve --workers N` (default: the core count when the
 *                   CLI has --workers, none with --quick; 0 skips)
 * --no-redis        skip the Redis-backed gateway
 * --profile         then a CPU profile of the gateway: at saturation under non-streamed chat
 *                   (--profile-scenario stream|anthropic|prompt|large for another), then at the fixed
 *                   rate with an event-loop monitor: what ran while requests waited
 * --profile-only    only the profile: prints it and rewrites just the profile part of the report
 * --connections N   autocannon connections for the throughput runs (default 32)
 * --rate N          the fixed rate of the added-latency runs (default 1000 req/s)
 * --out FILE        where to write the report (default docs/benchmarks.md; "-" for none)
 * --keep            keep the temporary folder (configs, SQLite ledgers, profiles)
 * --node-flags "F"  extra Node/V8 flags for Tollgate and the plain proxy alike, to try runtime
 *                   settings (e.g. "--max-semi-space-size=8"); Tollgate's own come first, so these win
 * --no-gateway-flags  start Tollgate without its V8 settings (src/cli/runtime-flags.ts), to see
 *                   what they change
 * --observability-only  only what observability costs: Tollgate with metrics, access log and
 *                   tracing off, alternating with metrics on, tracing on at 10% sampling, and all on
 * --reports-only    only the reports benchmark (bench/lib/reports-bench.ts): seeds the rollups of
 *                   ten million ledger rows and times a month's report by tenant and day; writes
 *                   docs/benchmarks-reports.md (the full run does it too, after the load tests)
 * --reports-rows N  ledger rows the reports benchmark seeds (default 10000000)
 */
import { existsSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { cpus, tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { parseArgs } from 'node:util';
import { Bench, fullPlan, shortPlan } from './lib/bench.js';
import { clusterRows } from './lib/cluster-rows.js';
import { describeMachine } from './lib/machine.js';
import { helperPids } from './lib/measure.js';
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
    quick: { type: 'boolean', default: false },
    soak: { type: 'string' },
    workers: { type: 'string' },
    'no-redis': { type: 'boolean', default: false },
    profile: { type: 'boolean', default: false },
    'profile-scenario': { type: 'string', default: 'chat' },
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
  rate: Number(values.rate),
  fixedS: Math.max(1, durationS * 0.4),
  fixedWarmS: quick ? 0.5 : 1,
  streamRate: 200,
  streamS: quick ? 1 : 1.5,
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
  alternations: [],
  observability: [],
  cluster: { available: false, note: '', rows: [] },
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
  await bench.waitForQuiet(quick ? 3 : 20);

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
    await profile(bench, fake.url, values['profile-scenario'] as ScenarioId);
    await bench.stop(fake);
    return;
  }
  if (values['observability-only']) {
    bench.log('observability: what metrics and tracing cost');
    await observabilityCost(bench, fake.url);
    await bench.stop(fake);
    return;
  }
  bench.log('direct: the fake upstream alone');
  await bench.suite(bench.direct, fullPlan(['chat', 'stream', 'anthropic', 'large', 'rest']));

  bench.log('plain proxy');
  const proxy = await bench.start({
    name: 'plain proxy',
    nodeArgs: ['--trace-gc', ...bench.options.nodeFlags, transpileForNode(repoRoot, 'bench/plain-proxy.ts'), '--upstream', fake.url],
    cpus: pinned ? settings.gatewayCpus : undefined,
    cwd: repoRoot,
    listening: /"message":"plain proxy listening","url":"([^"]+)"/,
  });
  bench.plain = bench.target('plain', 'Plain Node proxy (the floor)', 'plain', proxy);
  await bench.suite(bench.plain, fullPlan(['chat', 'stream', 'anthropic', 'large', 'rest']));

  const redisUp = !values['no-redis'] && (await redisAnswers(bench.options.redisUrl));
  if (values['no-redis']) results.notes.push('Redis-backed gateway skipped (--no-redis).');
  else if (!redisUp) results.notes.push(`Redis-backed gateway skipped: nothing answered PING at ${bench.options.redisUrl}.`);
  const all = fullPlan(['chat', 'stream', 'anthropic', 'prompt', 'large', 'rest']);
  bench.log('Tollgate, in-process counters');
  await bench.gatewaySuite({ id: 'tollgate', label: 'Tollgate, in-process counters', redis: false }, fake.url, all);
  if (redisUp) {
    bench.log('Tollgate, Redis counters');
    await bench.gatewaySuite({ id: 'tollgate-redis', label: 'Tollgate, Redis counters', redis: true }, fake.url, quick ? shortPlan : all);
  }

  await bench.stop(proxy);
  bench.plain = undefined;

  bench.log('observability: what metrics and tracing cost');
  await observabilityCost(bench, fake.url);

  await clusterRows(bench, fake.url, { workers: values.workers === undefined ? undefined : Number(values.workers), redisUp });
  if (values.soak) await soak(bench, fake.url, Number(values.soak));
  if (values.profile) await profile(bench, fake.url, values['profile-scenario'] as ScenarioId);
  await bench.stop(fake);
  await reportsPart();
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
