/**
 * bench/lib/profile-run.ts — `--profile`: a CPU profile of a fresh gateway (pinned like the
 * others), first at saturation under the scenario (where the CPU goes), then at a fixed rate with
 * bench/lib/loop-monitor.mjs preloaded (what ran while the event loop was blocked ≥ 3 ms, i.e.
 * what makes the latency tail). The profiler costs the gateway much of its capacity, so the fixed
 * rate is 30% of what it manages while profiled (at most --rate): a busy stretch is then one long
 * task, not a queue of short ones.
 */
import { existsSync, readdirSync, readFileSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { Bench } from './bench.js';
import { fixedRate } from './load.js';
import { loadGenerator, measureFixedRate, measureThroughput, saturate } from './measure.js';
import { formatProfile, Profile, type Window } from './profile-summary.js';
import { mustRequest, titleOf, type ScenarioId } from './scenarios.js';

const intervalUs = Number(process.env.TOLLGATE_BENCH_PROF_INTERVAL_US ?? 1000);

export async function profile(bench: Bench, fakeUrl: string, scenario: ScenarioId, redis = false): Promise<void> {
  const { settings, results } = bench;
  bench.log(`profile: --cpu-prof under ${scenario}, at saturation then at a fixed rate`);
  const dir = join(bench.options.tmp, 'profile');
  const loopFile = join(bench.options.tmp, 'loop-windows.json');
  const config = bench.config('profile', fakeUrl, redis);
  const gateway = await bench.startTollgate(config, {
    cpus: settings.pinned ? settings.gatewayCpus : undefined,
    profileDir: dir,
    profileIntervalUs: intervalUs,
    env: { TOLLGATE_BENCH_LOOP_FILE: loopFile, TOLLGATE_BENCH_LOOP_MIN_MS: '3' },
  });
  const subject = bench.target('profile', 'Tollgate under --cpu-prof', 'tollgate', gateway);
  await bench.sanityCheck(subject, scenario);
  await bench.warmUp(subject);
  const request = mustRequest(scenario, 'tollgate');
  await saturate(subject, request, { connections: settings.connections, durationS: 1 });
  const nowUs = () => Number(process.hrtime.bigint() / 1000n);
  const saturation: Window = [nowUs(), 0];
  const row = await measureThroughput(subject, scenario, { durationS: settings.durationS, warmS: 0, connections: settings.connections });
  saturation[1] = nowUs();
  const rate = Math.max(50, Math.min(settings.rate, Math.round((row.result.rps * 0.3) / 50) * 50));
  await fixedRate(subject.url, request, { rate, durationS: settings.fixedWarmS, connections: settings.connections });
  const steady: Window = [nowUs(), 0];
  const fixed = await measureFixedRate(subject, scenario, { rate, durationS: settings.durationS, warmS: 0, connections: settings.connections });
  steady[1] = nowUs();
  await bench.stop(gateway);

  // One file per thread (the ledger's worker too): the main thread's is the largest.
  const file = readdirSync(dir)
    .filter((name) => name.endsWith('.cpuprofile'))
    .sort((a, b) => statSync(join(dir, b)).size - statSync(join(dir, a)).size)[0];
  if (!file) {
    results.notes.push('The profiled gateway wrote no .cpuprofile.');
    return;
  }
  const keptAt = bench.options.keep ? join(dir, file) : join(tmpdir(), `tollgate-bench-${Date.now()}.cpuprofile`);
  if (!bench.options.keep) writeFileSync(keptAt, readFileSync(join(dir, file)));
  const cpuProfile = new Profile(keptAt);
  const windows = (existsSync(loopFile) ? (JSON.parse(readFileSync(loopFile, 'utf8')) as Window[]) : []).filter(
    ([from, to]) => from >= steady[0] && to <= steady[1],
  );
  // Each window spans the 1 ms timer interval plus the time the loop was away.
  const blockedMs = windows.map(([from, to]) => (to - from) / 1000 - 1).sort((a, b) => a - b);
  const blocked = {
    count: blockedMs.length,
    totalMs: blockedMs.reduce((sum, ms) => sum + ms, 0),
    longestMs: blockedMs[blockedMs.length - 1] ?? 0,
    p50Ms: blockedMs[Math.floor(blockedMs.length / 2)] ?? 0,
    summary: cpuProfile.summarise(10, windows),
  };
  results.profile = {
    command:
      `${settings.pinned ? `taskset -c ${settings.gatewayCpus} ` : ''}node --trace-gc --cpu-prof --cpu-prof-dir=DIR --cpu-prof-interval=${intervalUs} ` +
      `--import ./bench/lib/loop-monitor.mjs ${[...settings.gatewayFlags, settings.nodeFlags].filter(Boolean).join(' ')} dist/src/cli/main.js serve --config CONFIG --port PORT; ${loadGenerator} (${settings.connections} connections) ` +
      `for ${settings.durationS} s of "${titleOf(scenario)}" after ${settings.startWarmS + settings.warmS} s of warm-up, then ${rate} req/s of the same ` +
      `(30% of the profiled capacity, at most ${settings.rate}) for ${settings.durationS} s; SIGTERM; the summaries come from ` +
      "`bench/lib/profile-summary.ts` restricted to each phase's time window",
    scenario,
    file: keptAt,
    rps: row.result.rps,
    saturation: cpuProfile.summarise(10, [saturation]),
    fixedRate: fixed,
    blocked,
  };
  process.stdout.write(
    `\nCPU profile (${keptAt}): ${row.result.rps.toFixed(0)} req/s at saturation under the profiler; at ${rate} req/s p50 ` +
      `${fixed.result.p50.toFixed(3)} ms, p99 ${fixed.result.p99.toFixed(3)} ms, event loop blocked ≥ 3 ms ${blocked.count} times ` +
      `(longest ${blocked.longestMs.toFixed(1)} ms, ${blocked.totalMs.toFixed(0)} ms in all).\n\n` +
      `Saturation:\n${formatProfile(results.profile.saturation)}\n\n` +
      `While the event loop was blocked ≥ 3 ms at ${rate} req/s:\n${formatProfile(blocked.summary)}\n`,
  );
}
