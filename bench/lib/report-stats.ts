/**
 * bench/lib/report-stats.ts — formatting helpers and the figures the report derives from the raw
 * rows: lookups by scenario and target, streaming percentiles, and per-chunk delays.
 */
import { median, percentile } from './load.js';
import type { StreamRow, ThroughputRow } from './measure.js';
import type { Results } from './results.js';
import { pacedChunks } from './gateway-config.js';
import type { ScenarioId } from './scenarios.js';

export const gatewayIds = ['tollgate', 'tollgate-redis'];
export const fmt = (value: number, digits = 0) => (Number.isFinite(value) ? value.toFixed(digits) : '–');
export const pct = (ratio: number) => (Number.isFinite(ratio) ? `${(ratio * 100).toFixed(0)}%` : '–');
/** "0.2 ms to spare" or "over by 1.3 ms". */
export const spare = (value: number, unit: string, digits = 2) =>
  !Number.isFinite(value) ? '–' : value >= 0 ? `${value.toFixed(digits)} ${unit} to spare` : `over by ${(-value).toFixed(digits)} ${unit}`;
export const signed = (value: number, digits = 2) => (Number.isFinite(value) ? `${value >= 0 ? '+' : ''}${value.toFixed(digits)}` : '–');

export function table(head: string[], rows: string[][], align?: string[]): string {
  const rule = head.map((_, index) => align?.[index] ?? (index === 0 ? '---' : '---:'));
  return [head, rule, ...rows].map((cells) => `| ${cells.join(' | ')} |`).join('\n');
}

export function throughputOf(results: Results, scenario: ScenarioId, targetId: string): ThroughputRow | undefined {
  const found = results.throughput.find((row) => row.scenario === scenario && row.target.id === targetId);
  return found;
}

export function streamStats(row: StreamRow | undefined) {
  const ok = (row?.samples ?? []).filter((sample) => sample.status === 200 && Number.isFinite(sample.ttfbMs));
  const sorted = (values: number[]) => values.sort((a, b) => a - b);
  const ttfb = sorted(ok.map((sample) => sample.ttfbMs));
  return {
    count: row?.samples.length ?? 0,
    failed: (row?.samples.length ?? 0) - ok.length,
    ttfbP50: percentile(ttfb, 0.5),
    ttfbP99: percentile(ttfb, 0.99),
    totalP50: percentile(sorted(ok.map((sample) => sample.totalMs)), 0.5),
    dataEvents: median(ok.map((sample) => sample.dataEvents)),
    contentEvents: median(ok.map((sample) => sample.contentTimes.length)),
    minContentEvents: Math.min(...ok.map((sample) => sample.contentTimes.length)),
    maxContentEvents: Math.max(...ok.map((sample) => sample.contentTimes.length)),
  };
}

/** Median arrival time (ms from send) of text chunk i, per i. */
export function chunkTimes(row: StreamRow | undefined): number[] {
  const ok = (row?.samples ?? []).filter((sample) => sample.status === 200 && sample.contentTimes.length > 0);
  const length = Math.max(0, ...ok.map((sample) => sample.contentTimes.length));
  return Array.from({ length }, (_, index) =>
    median(ok.filter((sample) => sample.contentTimes.length > index).map((sample) => sample.contentTimes[index])),
  );
}

/**
 * How much later than direct each text chunk arrives. A constant delay on every chunk is the
 * gateway's latency (the TTFB rows judge it); a chunk held back arrives later than the others by
 * up to a pacing interval or more — so "held back" is the spread of the per-chunk delays.
 */
export function pacedStats(results: Results, row: StreamRow) {
  const base = results.paced.find((other) => other.scenario === row.scenario && other.target.id === 'direct');
  const mine = chunkTimes(row);
  const theirs = chunkTimes(base);
  const delays = mine.map((time, index) => time - (theirs[index] ?? NaN)).filter(Number.isFinite);
  const stats = streamStats(row);
  return {
    ...stats,
    minDelayMs: delays.length > 0 ? Math.min(...delays) : NaN,
    heldBackMs: delays.length > 0 ? Math.max(...delays) - Math.min(...delays) : NaN,
    spreadMs: (mine[mine.length - 1] ?? NaN) - (mine[0] ?? NaN),
    directSpreadMs: (theirs[theirs.length - 1] ?? NaN) - (theirs[0] ?? NaN),
    allChunks: stats.minContentEvents === pacedChunks && stats.maxContentEvents === pacedChunks && stats.failed === 0,
  };
}
