/**
 * @module observability/metrics/operations-metrics
 * Everything but the per-call series: routing events (retries, fallbacks, breaker state, cache),
 * quota refusals, security events, and the gateway's internals (ledger, Redis, database,
 * dependency health). Rare events use prom-client's own metrics; the Redis round trip, timed on
 * every call, uses a pre-resolved series.
 */
import { Counter, Gauge, Histogram, type Registry } from 'prom-client';
import { HistogramSeries, SeriesHistogram } from './series-metrics.js';

const roundTripBuckets = [0.0001, 0.00025, 0.0005, 0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5];

/** Circuit breaker states as gauge values. */
export const breakerStateValues = { closed: 0, half_open: 1, open: 2 } as const;
export type BreakerState = keyof typeof breakerStateValues;

export interface LedgerStatsSource {
  /** Rows waiting on the request thread and in the writer. */
  backlog(): { handover: number; writer: number; spool: number; dropped: number };
}

export class OperationsMetrics {
  readonly quotaRefusals: Counter<string>;
  readonly retries: Counter<string>;
  readonly fallbacks: Counter<string>;
  readonly breakerState: Gauge<string>;
  readonly breakerTransitions: Counter<string>;
  readonly cacheLookups: Counter<string>;
  readonly authFailures: Counter<string>;
  readonly authorizationRefusals: Counter<string>;
  readonly ledgerFlush: Histogram<string>;
  readonly databaseDuration: Histogram<string>;
  readonly databaseErrors: Counter<string>;
  readonly redisErrors: Counter<string>;
  readonly dependencyUp: Gauge<string>;
  private readonly redisDuration = new SeriesHistogram({
    name: 'tollgate_redis_duration_seconds',
    help: 'Round trip of each Redis command the gateway sends (quota reserve and adjust, health pings).',
    labelNames: ['operation'],
    buckets: roundTripBuckets,
  });
  private readonly redisSeries = new Map<string, HistogramSeries>();
  private ledgerSource: LedgerStatsSource | undefined;

  constructor(registry: Registry) {
    const registers = [registry];
    this.quotaRefusals = new Counter({
      name: 'tollgate_quota_refusals_total',
      help: 'Calls refused by a quota, by the limit and window that refused them.',
      labelNames: ['scope', 'limit', 'window', 'tenant'],
      registers,
    });
    this.retries = new Counter({ name: 'tollgate_retries_total', help: 'Upstream attempts retried by the router.', labelNames: ['gen_ai_request_model', 'target', 'reason'], registers });
    this.fallbacks = new Counter({ name: 'tollgate_fallbacks_total', help: 'Calls the router moved to a fallback model or deployment.', labelNames: ['gen_ai_request_model', 'from', 'to', 'reason'], registers });
    this.breakerState = new Gauge({
      name: 'tollgate_circuit_breaker_state',
      help: 'Circuit breaker per target: 0 closed, 1 half-open, 2 open.',
      labelNames: ['gen_ai_request_model', 'target'],
      registers,
      aggregator: 'max',
    });
    this.breakerTransitions = new Counter({ name: 'tollgate_circuit_breaker_transitions_total', help: 'Circuit breaker state changes, by the state entered.', labelNames: ['gen_ai_request_model', 'target', 'state'], registers });
    this.cacheLookups = new Counter({ name: 'tollgate_cache_lookups_total', help: 'Response cache lookups: result is hit or miss.', labelNames: ['route', 'gen_ai_request_model', 'result'], registers });
    this.authFailures = new Counter({ name: 'tollgate_auth_failures_total', help: 'Refused authentications (401), by reason.', labelNames: ['reason'], registers });
    this.authorizationRefusals = new Counter({ name: 'tollgate_authorization_refusals_total', help: 'Authenticated callers refused an action (403), by reason.', labelNames: ['reason'], registers });
    this.ledgerFlush = new Histogram({
      name: 'tollgate_ledger_flush_duration_seconds',
      help: 'Time each ledger transaction took to write its batch of rows.',
      buckets: [0.0005, 0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5],
      registers,
    });
    this.databaseDuration = new Histogram({
      name: 'tollgate_database_duration_seconds',
      help: 'Round trip of database work off the request path: the change check each second, readiness probes, audit writes.',
      labelNames: ['operation'],
      buckets: roundTripBuckets,
      registers,
    });
    this.databaseErrors = new Counter({ name: 'tollgate_database_errors_total', help: 'Database operations that failed (ledger flushes included).', labelNames: ['operation'], registers });
    this.redisErrors = new Counter({ name: 'tollgate_redis_errors_total', help: 'Redis commands that failed or timed out.', labelNames: ['operation'], registers });
    this.dependencyUp = new Gauge({ name: 'tollgate_dependency_up', help: 'Whether a dependency answered its last readiness probe (1) or not (0).', labelNames: ['dependency'], registers, aggregator: 'min' });
    registry.registerMetric(this.redisDuration);
    this.registerLedgerGauges(registry);
  }

  /** One ledger transaction: its time, or a failure. */
  readonly ledgerFlushed = (seconds: number, ok: boolean): void => {
    this.ledgerFlush.observe(seconds);
    if (!ok) this.databaseErrors.inc({ operation: 'ledger_flush' });
  };

  /** The ledger whose backlog the gauges read at each scrape. */
  watchLedger(source: LedgerStatsSource): void {
    this.ledgerSource = source;
  }

  redisRoundTrip(operation: string, seconds: number): void {
    let series = this.redisSeries.get(operation);
    if (!series) {
      series = this.redisDuration.series({ operation });
      this.redisSeries.set(operation, series);
    }
    series.observe(seconds);
  }

  private registerLedgerGauges(registry: Registry): void {
    const metrics = this;
    new Gauge({
      name: 'tollgate_ledger_backlog_rows',
      help: 'Ledger rows accepted and not yet written: waiting for the hand-over to the writer thread, or queued in the writer.',
      labelNames: ['stage'],
      registers: [registry],
      collect() {
        const backlog = metrics.ledgerSource?.backlog();
        this.set({ stage: 'handover' }, backlog?.handover ?? 0);
        this.set({ stage: 'writer' }, backlog?.writer ?? 0);
      },
    });
    new Gauge({
      name: 'tollgate_ledger_spool_rows',
      help: 'Ledger rows kept in memory for retry because the database refused the last write (0 while it writes).',
      registers: [registry],
      collect() {
        this.set(metrics.ledgerSource?.backlog().spool ?? 0);
      },
    });
    new Gauge({
      name: 'tollgate_ledger_dropped_rows',
      help: 'Ledger rows not kept since start (queue full or writer closed); each was logged in full.',
      registers: [registry],
      collect() {
        this.set(metrics.ledgerSource?.backlog().dropped ?? 0);
      },
    });
  }
}
