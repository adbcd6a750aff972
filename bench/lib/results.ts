/**
 * bench/lib/results.ts — everything one bench run measured, as `run.ts` collects it and
 * `report.ts` renders it.
 */
import type { LedgerCount } from './ledger.js';
import type { Alternation, FixedRateRow, StreamRow, Target, ThroughputRow } from './measure.js';
import type { ProfileSummary } from './profile-summary.js';
import type { RoundRow } from './rounds.js';

export interface Machine {
  cpu: string;
  cores: number;
  ramGb: number;
  node: string;
  os: string;
  /** Cost of one minor page fault (µs), measured: it drives V8's scavenge pauses. */
  pageFaultUs: number;
}

export interface Settings {
  quick: boolean;
  durationS: number;
  secondaryS: number;
  /** Non-streamed chat at saturation once a process is up, before any measurement. */
  startWarmS: number;
  /** Before each throughput measurement. */
  warmS: number;
  connections: number;
  /** Rounds of alternating saturation blocks, and each block's length (s). */
  rounds: number;
  blockS: number;
  rate: number;
  fixedS: number;
  fixedWarmS: number;
  streamRate: number;
  streamS: number;
  pacedCount: number;
  pinned: boolean;
  gatewayCpus: string;
  loadCpus: string;
  chunks: number;
  nodeFlags: string;
  /** Tollgate's own V8 settings as the bench started it (empty with --no-gateway-flags). */
  gatewayFlags: string[];
}

export interface InstanceReport {
  target: Target;
  /** VmRSS once ready, before any load. */
  startRssMb?: number;
  /** VmHWM just before SIGTERM (tree summed; the largest single process too). */
  hwmMb: number;
  maxProcessHwmMb: number;
  /** Rows waiting to be written right after the top-rate run, and 1 s later. */
  backlogAtEnd?: number;
  backlogAfter1s?: number;
  topRate?: number;
  exitCode: number | null;
  ledger: LedgerCount;
  /** "ledger row dropped" lines in the gateway's log (its last 64 KB), and their reasons. */
  droppedLogged?: { count: number; reasons: string[] };
  /** Keys left in Redis under the instance's prefix (deleted after the run). */
  redisKeys?: number;
}

export interface SoakReport {
  durationS: number;
  requests: number;
  rps: number;
  errors: number;
  samples: Array<{ atS: number; rssMb: number; ledgerBacklog: number }>;
  firstHalfMaxMb: number;
  secondHalfMaxMb: number;
  /** Least-squares slope of RSS's upper envelope (per-minute peaks) over the second half, MB per minute. */
  secondHalfSlopeMbPerMin: number;
  maxBacklog: number;
  instance: InstanceReport;
}

export interface ProfileReport {
  command: string;
  scenario: string;
  file: string;
  rps: number;
  /** Where the CPU goes at saturation. */
  saturation: ProfileSummary;
  fixedRate: FixedRateRow;
  /** The stretches (≥ 3 ms) in which the event loop was blocked at the fixed rate, and what ran then. */
  blocked: { count: number; totalMs: number; longestMs: number; p50Ms: number; summary: ProfileSummary };
}

export interface ObservabilityCostRow {
  label: string;
  offRps: number;
  onRps: number;
  ratios: number[];
  /** The least share of the off throughput to keep. */
  target?: number;
  /** Spans the OTLP sink received during the run (tracing variants). */
  spansExported?: number;
  /** The gateway process's CPU time per request, off and on. */
  offCpuUs: number;
  onCpuUs: number;
}

export interface Results {
  startedAt: Date;
  finishedAt?: Date;
  command: string;
  machine: Machine;
  settings: Settings;
  notes: string[];
  throughput: ThroughputRow[];
  fixedRate: FixedRateRow[];
  streams: StreamRow[];
  paced: StreamRow[];
  instances: InstanceReport[];
  /** Every target against the thin floor, scenario by scenario, in rounds of blocks: the headline. */
  rounds: RoundRow[];
  /** Every target's resident set once started (idle) and its highest sample under load, MB. */
  idle?: Array<{ label: string; rssMb: number; peakMb: number }>;
  /** Which load generator saturated (wrk, or autocannon where wrk is missing). */
  loadGenerator: string;
  /** Observability on against off, in alternating blocks (bench/lib/observability-cost.ts). */
  observability: ObservabilityCostRow[];
  cluster: { available: boolean; note: string; workers?: number; alternation?: Alternation & { cpuUs: [number, number] } };
  soak?: SoakReport;
  profile?: ProfileReport;
}
