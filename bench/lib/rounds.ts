/**
 * bench/lib/rounds.ts — the headline measurement: for one scenario, every target in turn (the thin
 * floor first, then Tollgate, nginx, Portkey, ...), in short saturation blocks, round after round.
 * A change in the machine's speed (other work on the shared cores) hits a whole round alike, so
 * the ratio to the floor is taken block by block, against the floor's block of the same round;
 * the report gives the median ratio and the spread (lowest–highest).
 *
 * Each block also reads the target's CPU time (/proc/<pid>/stat, user + system) over the requests
 * it completed: CPU µs per request, the figure that stays steady when the machine is not idle,
 * and the ratio of CPU costs (floor µs / target µs) — the throughput ratio each would reach with a
 * core to itself.
 */
import type { Bench } from './bench.js';
import { mustRequestOf, saturate, withUsage, type Target, type ThroughputRow } from './measure.js';
import type { ScenarioId } from './scenarios.js';

export interface Block {
  rps: number;
  completed: number;
  cpuUs: number;
  /** The floor's req/s in the same round. */
  floorRps: number;
  errors: number;
}

export interface RoundRow {
  scenario: ScenarioId;
  target: Target;
  blocks: Block[];
  /** Totals over the blocks. */
  rps: number;
  cpuUsPerRequest: number;
  /** Block by block: rps / the floor's rps in the same round. */
  ratios: number[];
  medianRatio: number;
  /** floor CPU µs per request / this target's, over all blocks. */
  cpuRatio: number;
  errors: number;
}

const median = (values: number[]) => {
  const sorted = [...values].sort((a, b) => a - b);
  if (sorted.length === 0) return NaN;
  const middle = Math.floor(sorted.length / 2);
  return sorted.length % 2 === 1 ? sorted[middle] : (sorted[middle - 1] + sorted[middle]) / 2;
};

/**
 * Rounds of blocks over `targets` (the floor must be first). Rows for every target, the floor
 * included (its ratios are 1); `throughputRows` also gets one aggregated row per target.
 */
export async function rounds(
  bench: Bench,
  scenario: ScenarioId,
  targets: Target[],
  options: { rounds: number; blockS: number; warmS: number; connections: number },
): Promise<RoundRow[]> {
  const [floor] = targets;
  const blocks = new Map<Target, Block[]>(targets.map((target) => [target, []]));
  const rss = new Map<Target, number>();
  for (const target of targets) await saturate(target, mustRequestOf(target, scenario), { connections: options.connections, durationS: options.warmS });
  for (let round = 0; round < options.rounds; round++) {
    let floorRps = NaN;
    for (const target of targets) {
      const measured = await withUsage(
        target,
        () => saturate(target, mustRequestOf(target, scenario), { connections: options.connections, durationS: options.blockS }),
        (result) => result.completed,
      );
      if (target === floor) floorRps = measured.rps;
      rss.set(target, Math.max(rss.get(target) ?? 0, measured.usage.rssMaxMb));
      blocks.get(target)!.push({
        rps: measured.rps,
        completed: measured.completed,
        cpuUs: measured.usage.cpuUsPerRequest * measured.completed,
        floorRps,
        errors: measured.errors + measured.non2xx,
      });
    }
    bench.log(
      `    round ${round + 1}/${options.rounds}: ${targets.map((target) => `${target.id} ${blocks.get(target)!.at(-1)!.rps.toFixed(0)}`).join(', ')} req/s`,
    );
  }
  const floorCpu = cpuPerRequest(blocks.get(floor)!);
  return targets.map((target) => {
    const own = blocks.get(target)!;
    const ratios = own.map((block) => block.rps / block.floorRps);
    const cpuUsPerRequest = cpuPerRequest(own);
    const seconds = own.length * options.blockS;
    const completed = own.reduce((sum, block) => sum + block.completed, 0);
    const row: RoundRow = {
      scenario,
      target,
      blocks: own,
      rps: completed / seconds,
      cpuUsPerRequest,
      ratios,
      medianRatio: median(ratios),
      cpuRatio: floorCpu / cpuUsPerRequest,
      errors: own.reduce((sum, block) => sum + block.errors, 0),
    };
    bench.results.throughput.push(asThroughputRow(row, rss.get(target) ?? NaN));
    return row;
  });
}

function cpuPerRequest(blocks: Block[]): number {
  const completed = blocks.reduce((sum, block) => sum + block.completed, 0);
  return completed > 0 ? blocks.reduce((sum, block) => sum + block.cpuUs, 0) / completed : NaN;
}

/** The rounds of one target, in the shape of a single saturation run (the tables and RSS checks read these). */
function asThroughputRow(row: RoundRow, rssMaxMb: number): ThroughputRow {
  const completed = row.blocks.reduce((sum, block) => sum + block.completed, 0);
  return {
    scenario: row.scenario,
    target: row.target,
    result: { rps: row.rps, completed, sent: completed, durationS: completed / row.rps, p50: NaN, p90: NaN, p99: NaN, errors: row.errors, non2xx: 0, statusCodes: {} },
    usage: { cpuUsPerRequest: row.cpuUsPerRequest, rssMaxMb, coreBusy: [], otherCores: NaN },
  };
}
