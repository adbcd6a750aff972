/**
 * @module observability/metrics/call-metrics
 * The per-call metrics: requests, total/upstream/gateway-added latency, time to first token,
 * tokens by kind, cost and calls in flight, each per route kind, model, provider, service, tenant
 * and status class. Names follow the OpenTelemetry GenAI semantic conventions where they define
 * one (`gen_ai.server.request.duration` → `gen_ai_server_request_duration_seconds`, ...).
 * Label sets are resolved once into bundles of series kept in a map, so a finished call costs a
 * map lookup and a handful of additions (see series-metrics.ts).
 */
import type { Registry } from 'prom-client';
import { callLabelNames } from './call-labels.js';
import { CounterSeries, HistogramSeries, SeriesCounter, SeriesGauge, SeriesHistogram } from './series-metrics.js';

/** gen_ai.server.request.duration's advised buckets, in seconds. */
const durationBuckets = [0.01, 0.02, 0.04, 0.08, 0.16, 0.32, 0.64, 1.28, 2.56, 5.12, 10.24, 20.48, 40.96, 81.92];
/** gen_ai.server.time_to_first_token's advised buckets. */
const firstTokenBuckets = [0.001, 0.005, 0.01, 0.02, 0.04, 0.06, 0.08, 0.1, 0.25, 0.5, 0.75, 1, 2.5, 5, 7.5, 10];
/** The gateway's own time: sub-millisecond matters here. */
const gatewayBuckets = [0.0001, 0.00025, 0.0005, 0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1];
/** gen_ai.client.token.usage's advised buckets. */
const tokenBuckets = [1, 4, 16, 64, 256, 1024, 4096, 16384, 65536, 262144, 1048576, 4194304, 16777216, 67108864];

/** `gen_ai_token_type` values, in the order of `CallTokens`. */
export const tokenTypes = ['input', 'cached_input', 'cache_write', 'output', 'reasoning'] as const;

export type CallLabelValues = Record<(typeof callLabelNames)[number], string>;

export interface CallTimings {
  totalSeconds: number;
  upstreamSeconds: number;
  /** Streamed calls that sent a first byte. */
  firstTokenSeconds: number | null;
}

/** Series for one label set without the status class: calls in flight, and one bundle per status class. */
export class CallSeriesGroup {
  private readonly byStatus = new Map<string, StatusSeries>();

  constructor(
    private readonly metrics: CallMetrics,
    readonly labels: Omit<CallLabelValues, 'status_class'>,
    readonly inFlight: CounterSeries,
  ) {}

  forStatus(statusClass: string): StatusSeries {
    let series = this.byStatus.get(statusClass);
    if (!series) {
      series = this.metrics.statusSeries({ ...this.labels, status_class: statusClass });
      this.byStatus.set(statusClass, series);
    }
    return series;
  }
}

export class StatusSeries {
  private readonly tokens: Array<HistogramSeries | undefined> = [];

  constructor(
    private readonly metrics: CallMetrics,
    private readonly labels: CallLabelValues,
    readonly requests: CounterSeries,
    readonly duration: HistogramSeries,
    readonly upstream: HistogramSeries,
    readonly gateway: HistogramSeries,
    readonly cost: CounterSeries,
  ) {}

  private firstToken: HistogramSeries | undefined;

  record(timings: CallTimings, tokens: readonly number[], costUsd: number): void {
    this.requests.inc();
    this.duration.observe(timings.totalSeconds);
    this.upstream.observe(timings.upstreamSeconds);
    this.gateway.observe(Math.max(0, timings.totalSeconds - timings.upstreamSeconds));
    if (timings.firstTokenSeconds !== null) (this.firstToken ??= this.metrics.firstTokenSeries(this.labels)).observe(timings.firstTokenSeconds);
    for (let index = 0; index < tokens.length; index++) {
      if (tokens[index] > 0) (this.tokens[index] ??= this.metrics.tokenSeries(this.labels, tokenTypes[index])).observe(tokens[index]);
    }
    if (costUsd > 0) this.cost.inc(costUsd);
  }
}

export class CallMetrics {
  private readonly groups = new Map<string, CallSeriesGroup>();
  private readonly requests = new SeriesCounter({ name: 'tollgate_requests_total', help: 'Calls finished (every route kind, refusals included).', labelNames: callLabelNames });
  private readonly duration = new SeriesHistogram({
    name: 'gen_ai_server_request_duration_seconds',
    help: 'Whole call duration as the client saw it, from the request to the last byte (gen_ai.server.request.duration).',
    labelNames: callLabelNames,
    buckets: durationBuckets,
  });
  private readonly upstream = new SeriesHistogram({
    name: 'tollgate_upstream_duration_seconds',
    help: 'Time spent waiting on the upstream (every attempt; a stream until its last part); 0 for calls that never went upstream.',
    labelNames: callLabelNames,
    buckets: durationBuckets,
  });
  private readonly gateway = new SeriesHistogram({
    name: 'tollgate_gateway_duration_seconds',
    help: "The gateway's own added time: the call's duration minus its upstream time.",
    labelNames: callLabelNames,
    buckets: gatewayBuckets,
  });
  private readonly firstToken = new SeriesHistogram({
    name: 'gen_ai_server_time_to_first_token_seconds',
    help: 'Time from the request to the first streamed byte sent to the client (gen_ai.server.time_to_first_token).',
    labelNames: callLabelNames,
    buckets: firstTokenBuckets,
  });
  private readonly tokens = new SeriesHistogram({
    name: 'gen_ai_client_token_usage',
    help: 'Tokens per call by gen_ai_token_type (gen_ai.client.token.usage); the _sum is the token count.',
    labelNames: [...callLabelNames, 'gen_ai_token_type'],
    buckets: tokenBuckets,
  });
  private readonly cost = new SeriesCounter({ name: 'tollgate_cost_usd_total', help: 'Cost of the calls in USD (the ledger holds the exact figures).', labelNames: callLabelNames });
  private readonly inFlight = new SeriesGauge({
    name: 'tollgate_requests_in_flight',
    help: 'Calls admitted (quota reserved) and not yet finished.',
    labelNames: callLabelNames.filter((name) => name !== 'status_class'),
  });

  constructor(registry: Registry) {
    for (const metric of [this.requests, this.duration, this.upstream, this.gateway, this.firstToken, this.tokens, this.cost, this.inFlight]) registry.registerMetric(metric);
  }

  findGroup(key: string): CallSeriesGroup | undefined {
    return this.groups.get(key);
  }

  /** The series of one label set; `key` is the label values joined, computed by the caller. */
  group(key: string, labels: Omit<CallLabelValues, 'status_class'>): CallSeriesGroup {
    let group = this.groups.get(key);
    if (!group) {
      group = new CallSeriesGroup(this, labels, this.inFlight.series(labels));
      this.groups.set(key, group);
    }
    return group;
  }

  statusSeries(labels: CallLabelValues): StatusSeries {
    return new StatusSeries(
      this,
      labels,
      this.requests.series(labels),
      this.duration.series(labels),
      this.upstream.series(labels),
      this.gateway.series(labels),
      this.cost.series(labels),
    );
  }

  firstTokenSeries(labels: CallLabelValues): HistogramSeries {
    return this.firstToken.series(labels);
  }

  tokenSeries(labels: CallLabelValues, tokenType: string): HistogramSeries {
    return this.tokens.series({ ...labels, gen_ai_token_type: tokenType });
  }
}
