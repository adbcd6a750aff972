/**
 * bench/lib/cluster-rows.ts — `tollgate serve --workers N` (node:cluster), when this build has
 * it: non-streamed chat at saturation on every core, with in-process counters (the primary owns
 * them, workers reach them over IPC) and with Redis, against the single-process rows.
 */
import { spawnSync } from 'node:child_process';
import { cpus } from 'node:os';
import type { Bench } from './bench.js';
import { measureThroughput } from './measure.js';
import type { Started } from './processes.js';

export async function clusterRows(bench: Bench, fakeUrl: string, options: { workers?: number; redisUp: boolean }): Promise<void> {
  const { results, settings } = bench;
  const cores = cpus().length;
  const help = spawnSync(process.execPath, ['dist/src/cli/main.js', 'help'], { cwd: bench.options.repoRoot, encoding: 'utf8' });
  results.cluster.available = /--workers/.test(`${help.stdout}${help.stderr}`);
  const workers = options.workers ?? (settings.quick ? 0 : cores);
  if (!results.cluster.available) {
    results.cluster.note = '`tollgate serve --workers` is not available in this build: no cluster rows.';
    return;
  }
  if (workers < 2) {
    results.cluster.note = `Cluster rows skipped (${settings.quick && options.workers === undefined ? '--quick; add --workers N for them' : `--workers ${workers}`}).`;
    return;
  }
  results.cluster.note =
    `\`serve --workers ${workers}\`, not pinned: on this ${cores}-core machine the workers share the cores with the fake upstream and ` +
    'the load generator, so this shows the scaling the machine allows, not the scaling of the gateway alone.';
  const backends = [
    { id: 'ipc', label: 'in-process counters (IPC to the primary)', redis: false },
    ...(options.redisUp ? [{ id: 'redis', label: 'Redis counters', redis: true }] : []),
  ];
  for (const backend of backends) {
    bench.log(`cluster: ${workers} workers, ${backend.label}`);
    const config = bench.config(`cluster-${backend.id}`, fakeUrl, backend.redis);
    let gateway: Started;
    try {
      // Every core: the workers must not inherit the load generator's pinning.
      gateway = await bench.startTollgate(config, { workers, cpus: settings.pinned ? `0-${cores - 1}` : undefined });
    } catch (error) {
      results.cluster.note += ` Starting with --workers failed: ${(error as Error).message.split('\n')[0]}`;
      return;
    }
    const subject = bench.target(`cluster-${backend.id}`, `Tollgate ×${workers} workers, ${backend.label}`, 'tollgate', gateway, true);
    await bench.sanityCheck(subject, 'chat');
    await bench.warmUp(subject);
    const row = await measureThroughput(subject, 'chat', { durationS: settings.secondaryS, warmS: settings.warmS, connections: settings.connections });
    const instance = await bench.stopTollgate(gateway, subject, config);
    const single = results.throughput.find((other) => other.scenario === 'chat' && other.target.id === (backend.redis ? 'tollgate-redis' : 'tollgate'));
    results.cluster.rows.push({ workers, backend: backend.label, row, instance, single });
  }
}
