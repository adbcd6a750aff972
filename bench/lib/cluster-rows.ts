/**
 * bench/lib/cluster-rows.ts — `tollgate serve --workers N` (node:cluster) against one process, in
 * alternating blocks of non-streamed chat, both in the same placement: neither is pinned (every
 * core is theirs), while the load generator and the fake upstream stay pinned where the rest of
 * the run put them. On a 2-core machine the workers therefore share a core with the load side, so
 * the ratio is what this machine allows, not the gateway's scaling alone; CPU µs per request
 * (summed over the primary and its workers) says whether the cluster costs more per call.
 */
import { spawnSync } from 'node:child_process';
import { cpus } from 'node:os';
import type { Bench } from './bench.js';
import { alternate } from './measure.js';
import { sampleProcess, type Started } from './processes.js';

export async function clusterRows(bench: Bench, fakeUrl: string, options: { workers?: number; redisUp: boolean }): Promise<void> {
  const { results, settings } = bench;
  const cores = cpus().length;
  const help = spawnSync(process.execPath, ['dist/src/cli/main.js', 'help'], { cwd: bench.options.repoRoot, encoding: 'utf8' });
  results.cluster.available = /--workers/.test(`${help.stdout}${help.stderr}`);
  const workers = options.workers ?? (settings.quick ? 0 : Math.max(2, Math.min(cores, 2)));
  if (!results.cluster.available) {
    results.cluster.note = '`tollgate serve --workers` is not available in this build: no cluster rows.';
    return;
  }
  if (workers < 2) {
    results.cluster.note = `Cluster rows skipped (${settings.quick && options.workers === undefined ? '--quick; add --workers 2 for them' : `--workers ${workers}`}).`;
    return;
  }
  const everyCore = settings.pinned ? `0-${cores - 1}` : undefined;
  results.cluster.note =
    `\`serve --workers ${workers}\` against one process (\`serve\`), non-streamed chat, in-process counters, alternating blocks; both unpinned ` +
    `(cores 0–${cores - 1}), the load generator and the fake upstream pinned to core ${settings.loadCpus}` +
    (cores <= 2 ? `: on this ${cores}-core machine the workers share a core with the load side, so this is the scaling the machine allows.` : '.');
  bench.log(`cluster: ${workers} workers against one process`);
  const started: Started[] = [];
  try {
    const singleConfig = bench.config('cluster-single', fakeUrl);
    const clusterConfig = bench.config('cluster', fakeUrl);
    const singleProcess = await bench.startTollgate(singleConfig, { cpus: everyCore });
    started.push(singleProcess);
    let clusterProcess: Started;
    try {
      clusterProcess = await bench.startTollgate(clusterConfig, { workers, cpus: everyCore });
    } catch (error) {
      results.cluster.note += ` Starting with --workers failed: ${(error as Error).message.split('\n')[0]}`;
      return;
    }
    started.push(clusterProcess);
    const single = bench.target('cluster-single', 'Tollgate, one process (unpinned)', 'tollgate', singleProcess);
    const cluster = bench.target('cluster', `Tollgate, serve --workers ${workers} (unpinned)`, 'tollgate', clusterProcess, true);
    for (const target of [single, cluster]) {
      await bench.sanityCheck(target, 'chat');
      await bench.warmUp(target);
    }
    const before = [single, cluster].map((target) => ({ cpu: sampleProcess(target.pid, target.tree).cpuSeconds, sent: target.sent }));
    const alternation = await alternate(single, cluster, 'chat', { blocks: settings.rounds, blockS: settings.blockS, warmS: 1, connections: settings.connections });
    const cpuUs = [single, cluster].map((target, index) => ((sampleProcess(target.pid, target.tree).cpuSeconds - before[index].cpu) * 1e6) / (target.sent - before[index].sent)) as [
      number,
      number,
    ];
    results.cluster.alternation = { ...alternation, cpuUs };
    results.cluster.workers = workers;
  } finally {
    for (const process of started) await bench.stop(process);
  }
}
