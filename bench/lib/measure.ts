/**
 * bench/lib/measure.ts — one measurement against one target: the load (from `load.ts`) plus what
 * the target's process spent meanwhile (CPU time per request from /proc/<pid>/stat, the highest
 * resident set sampled every 250 ms) and how busy each core was.
 */
import { busyFractions, clockTicks, cpuJiffies, sampleProcess, type GcPause } from './processes.js';
import { fixedRate, maxThroughput, streamProbe, type FixedRateResult, type HttpRequest, type StreamSample, type ThroughputResult } from './load.js';
import { requestFor, type ScenarioId, type TargetKind } from './scenarios.js';
import { hasWrk, wrkThroughput } from './wrk.js';

export interface Target {
  id: string;
  label: string;
  kind: TargetKind;
  url: string;
  /** The process under test (the fake itself for `direct`). */
  pid: number;
  /** Sum the process tree (cluster mode). */
  tree: boolean;
  /** Every request sent to it, warm-ups included: what its ledger must hold. */
  sent: number;
  /**
   * Requests that may or may not have reached it: wrk stops with a request in flight on each
   * connection and does not count them. The ledger holds between `sent` and `sent + unsure` rows.
   */
  unsure: number;
  /** Headers added to every request (Portkey's custom host). */
  headers?: Record<string, string>;
  /** VmRSS once started, before any load (MB, tree summed). */
  idleRssMb?: number;
  /** The highest resident set (MB, tree summed) sampled while under load. */
  peakRssMb: number;
  /** GC pauses, when the process runs with --trace-gc. */
  gcPauses?: GcPause[];
}

export interface GcSummary {
  count: number;
  totalMs: number;
  maxMs: number;
  /** Pauses of 3 ms or more: each one alone can push a p99. */
  over3ms: number;
}

export interface Usage {
  cpuUsPerRequest: number;
  rssMaxMb: number;
  /** Busy fraction per core during the measurement. */
  coreBusy: number[];
  /**
   * Busy CPU (in cores) not charged to the bench's own processes (this load generator, the fake,
   * the target): other programs, plus interrupt time the kernel charges to nobody. Near 0 on a
   * quiet machine; well above it means something else competed for the cores.
   */
  otherCores: number;
  gc?: GcSummary;
}

/** The bench's helper processes (the fake upstream), whose CPU time is not "other load". */
export const helperPids = new Set<number>();

function ownCpuSeconds(target: Target): number {
  const self = process.cpuUsage();
  let seconds = (self.user + self.system) / 1e6 + sampleProcess(target.pid, target.tree).cpuSeconds;
  for (const pid of helperPids) if (pid !== target.pid) seconds += sampleProcess(pid).cpuSeconds;
  return seconds;
}

const busySeconds = (jiffies: ReturnType<typeof cpuJiffies>) => jiffies.reduce((sum, core) => sum + core.busy, 0) / clockTicks;

export async function withUsage<T>(target: Target, run: () => Promise<T>, requestsOf: (result: T) => number): Promise<T & { usage: Usage }> {
  const before = sampleProcess(target.pid, target.tree);
  const jiffies = cpuJiffies();
  const ownBefore = ownCpuSeconds(target);
  const began = Date.now();
  let rssMaxMb = before.rssMb;
  const timer = setInterval(() => {
    rssMaxMb = Math.max(rssMaxMb, sampleProcess(target.pid, target.tree).rssMb);
  }, 250);
  try {
    const result = await run();
    const after = sampleProcess(target.pid, target.tree);
    rssMaxMb = Math.max(rssMaxMb, after.rssMb);
    target.peakRssMb = Math.max(target.peakRssMb, rssMaxMb);
    const requests = requestsOf(result);
    const jiffiesAfter = cpuJiffies();
    const other = busySeconds(jiffiesAfter) - busySeconds(jiffies) - (ownCpuSeconds(target) - ownBefore);
    return {
      ...result,
      usage: {
        cpuUsPerRequest: requests > 0 ? ((after.cpuSeconds - before.cpuSeconds) * 1e6) / requests : NaN,
        rssMaxMb,
        coreBusy: busyFractions(jiffies, jiffiesAfter),
        otherCores: Math.max(0, other) / ((Date.now() - began) / 1000),
        gc: target.gcPauses ? summariseGc(target.gcPauses.filter((pause) => pause.at >= began)) : undefined,
      },
    };
  } finally {
    clearInterval(timer);
  }
}

function summariseGc(pauses: GcPause[]): GcSummary {
  return {
    count: pauses.length,
    totalMs: pauses.reduce((sum, pause) => sum + pause.ms, 0),
    maxMs: Math.max(0, ...pauses.map((pause) => pause.ms)),
    over3ms: pauses.filter((pause) => pause.ms >= 3).length,
  };
}

export type ThroughputRow = { scenario: ScenarioId; target: Target; result: ThroughputResult; usage: Usage };

/** The scenario's request for this target (its extra headers added), or undefined when it is not measured on it. */
export function requestOf(target: Target, scenario: ScenarioId): HttpRequest | undefined {
  const request = requestFor(scenario, target.kind);
  if (!request || !target.headers) return request;
  return { ...request, headers: { ...request.headers, ...target.headers } };
}

export function mustRequestOf(target: Target, scenario: ScenarioId): HttpRequest {
  const request = requestOf(target, scenario);
  if (!request) throw new Error(`scenario "${scenario}" has no request for ${target.label}`);
  return request;
}

/** Which load generator saturates: wrk where installed (TOLLGATE_BENCH_LOADGEN=autocannon to force the fallback). */
export const loadGenerator: 'wrk' | 'autocannon' = hasWrk && process.env.TOLLGATE_BENCH_LOADGEN !== 'autocannon' ? 'wrk' : 'autocannon';
let wrkOptions = { threads: 1, scriptDir: '' };
export function configureWrk(options: { threads: number; scriptDir: string }): void {
  wrkOptions = options;
}

/** Saturation for `durationS` with the chosen load generator; counts what it sent into the target. */
export async function saturate(target: Target, request: HttpRequest, options: { connections: number; durationS: number }): Promise<ThroughputResult> {
  if (loadGenerator === 'wrk') {
    const result = await wrkThroughput(target.url, request, { ...options, ...wrkOptions });
    target.sent += result.completed;
    target.unsure += options.connections;
    return result;
  }
  const result = await maxThroughput(target.url, request, options);
  target.sent += result.sent;
  return result;
}

export async function measureThroughput(
  target: Target,
  scenario: ScenarioId,
  options: { durationS: number; warmS: number; connections: number; request?: HttpRequest },
): Promise<ThroughputRow> {
  const request = options.request ?? mustRequestOf(target, scenario);
  if (options.warmS > 0) await saturate(target, request, { connections: options.connections, durationS: options.warmS });
  const measured = await withUsage(
    target,
    () => saturate(target, request, { connections: options.connections, durationS: options.durationS }),
    (result) => result.completed,
  );
  const { usage, ...result } = measured;
  return { scenario, target, result, usage };
}

/** `baseline`: the fake called directly at the same rate just before, so drift on the machine cancels out. */
export type FixedRateRow = { target: Target; result: FixedRateResult; usage: Usage; baseline?: FixedRateResult };

export async function measureFixedRate(
  target: Target,
  scenario: ScenarioId,
  options: { rate: number; durationS: number; warmS: number; connections: number },
): Promise<FixedRateRow> {
  const request = mustRequestOf(target, scenario);
  if (options.warmS > 0) {
    const warm = await fixedRate(target.url, request, { ...options, durationS: options.warmS });
    target.sent += warm.sent;
  }
  const measured = await withUsage(target, () => fixedRate(target.url, request, options), (result) => result.sent);
  target.sent += measured.sent;
  const { usage, ...result } = measured;
  return { target, result, usage };
}

export type StreamRow = { scenario: ScenarioId; target: Target; samples: StreamSample[] };

export async function measureStreams(
  target: Target,
  scenario: ScenarioId,
  options: { rate: number; durationS: number; connections: number } | { count: number },
  warmCount: number,
): Promise<StreamRow> {
  const request = mustRequestOf(target, scenario);
  // A few to warm the path up, not counted.
  const warm = await streamProbe(target.url, request, { count: warmCount });
  const samples = await streamProbe(target.url, request, options);
  target.sent += warm.length + samples.length;
  return { scenario, target, samples };
}

export interface Alternation {
  scenario: ScenarioId;
  a: Target;
  b: Target;
  aRps: number;
  bRps: number;
  /** b's throughput over a's, block by block. */
  ratios: number[];
}

/**
 * Throughput of two targets in alternating short blocks (a, b, a, b, ...): slow drifts in the
 * machine's speed (a VM's neighbours) hit both alike, so b/a is steadier than two separate runs.
 */
export async function alternate(
  a: Target,
  b: Target,
  scenario: ScenarioId,
  options: { blocks: number; blockS: number; warmS: number; connections: number },
): Promise<Alternation> {
  const totals = { a: { completed: 0, seconds: 0 }, b: { completed: 0, seconds: 0 } };
  const ratios: number[] = [];
  for (const target of [a, b]) await saturate(target, mustRequestOf(target, scenario), { connections: options.connections, durationS: options.warmS });
  for (let block = 0; block < options.blocks; block++) {
    const rps: number[] = [];
    for (const [key, target] of [['a', a], ['b', b]] as const) {
      const result = await saturate(target, mustRequestOf(target, scenario), { connections: options.connections, durationS: options.blockS });
      totals[key].completed += result.completed;
      totals[key].seconds += result.durationS;
      rps.push(result.rps);
    }
    ratios.push(rps[1] / rps[0]);
  }
  return {
    scenario,
    a,
    b,
    aRps: totals.a.completed / totals.a.seconds,
    bRps: totals.b.completed / totals.b.seconds,
    ratios,
  };
}
