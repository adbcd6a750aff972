/**
 * @module observability/call-track
 * What observability remembers about one call while it runs: when it arrived (a monotonic clock,
 * for sub-millisecond timings), its metric series once admitted, its first byte, the time spent
 * upstream over every attempt, and its trace. Created when the request arrives (or when a call
 * is admitted without one, as in tests that drive `MeteredCall` directly), dropped when its ledger
 * row is written.
 */
import type { CallSeriesGroup } from './metrics/call-metrics.js';
import type { CallTrace } from './tracing/call-tracing.js';

export class CallTrack {
  readonly startedAt = performance.now();
  /** A metered call began (scope, price policy and quota passed): it will write the ledger row. */
  admitted = false;
  group: CallSeriesGroup | undefined;
  firstByteAt: number | undefined;
  upstreamSeconds = 0;
  /** A streaming attempt the upstream accepted: it stays open until the call ends. */
  upstreamOpenedAt: number | undefined;
  attempts = 0;
  finished = false;
  /** The caller's `traceparent`/`tracestate`, forwarded upstream as they came when tracing is off. */
  inboundTraceHeaders: Record<string, string> | undefined;

  constructor(
    readonly requestId: string,
    readonly routeKind: string,
    readonly method: string,
    readonly path: string,
    readonly trace: CallTrace | undefined,
    readonly clientRequestId: string | undefined,
  ) {}

  /** Upstream time so far, an open stream included. */
  upstreamTotal(now: number): number {
    return this.upstreamSeconds + (this.upstreamOpenedAt === undefined ? 0 : (now - this.upstreamOpenedAt) / 1000);
  }
}
