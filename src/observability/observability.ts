/**
 * @module observability/observability
 * The gateway's observability, assembled once at start-up from the configuration: the Prometheus
 * registry (prom-client, default Node metrics included), the access log, tracing (when the
 * `OTEL_*` variables ask for it), and the call tracker that feeds them. It is the
 * `GatewayObserver` the request path reports to (see observer.ts).
 */
import { collectDefaultMetrics, Registry } from 'prom-client';
import type { TollgateConfig } from '../../schemas/config.js';
import type { ProviderAdapter } from '../../providers/types.js';
import type { LedgerRow } from '../ledger/types.js';
import { setConfiguredLogLevel } from '../logging/logger.js';
import { CallTracker } from './call-tracker.js';
import { instrumentProvider } from './instrumented-provider.js';
import { AccessLog } from './logs/access-log.js';
import { BodyCapture } from './logs/body-capture.js';
import { openLineSink, type LineSink } from './logs/line-sink.js';
import { CallLabels } from './metrics/call-labels.js';
import { CallMetrics } from './metrics/call-metrics.js';
import { breakerStateValues, OperationsMetrics } from './metrics/operations-metrics.js';
import type { BreakerEvent, CacheEvent, CallAdmission, FallbackEvent, GatewayObserver, PhaseEnd, QuotaRefusalEvent, RetryEvent } from './observer.js';
import { endWithError } from './tracing/call-tracing.js';
import type { Tracing } from './tracing/tracing-setup.js';

export interface ObservabilityOptions {
  /** Tracing to use (none when absent or null); `createServices` reads it from the `OTEL_*` environment variables. */
  tracing?: Tracing | null;
}

export class Observability implements GatewayObserver {
  /** Undefined when `metrics.enabled` is false. */
  readonly registry: Registry | undefined;
  readonly operations: OperationsMetrics | undefined;
  readonly tracker: CallTracker;
  readonly tracing: Tracing | undefined;
  private readonly accessLog: AccessLog | undefined;
  /** Undefined unless `logs.bodyCapture.enabled`. */
  readonly bodyCapture: BodyCapture | undefined;
  private readonly sink: LineSink | undefined;
  private readonly labels: CallLabels;
  private readonly breakerStates = new Map<string, BreakerEvent>();

  constructor(readonly config: TollgateConfig, options: ObservabilityOptions = {}) {
    setConfiguredLogLevel(config.logs.level);
    let callMetrics: CallMetrics | undefined;
    if (config.metrics.enabled) {
      this.registry = new Registry();
      collectDefaultMetrics({ register: this.registry });
      callMetrics = new CallMetrics(this.registry);
      this.operations = new OperationsMetrics(this.registry);
    }
    this.tracing = options.tracing ?? undefined;
    const { access, bodyCapture } = config.logs;
    this.sink = access.enabled || bodyCapture.enabled ? openLineSink(access.destination) : undefined;
    this.accessLog = access.enabled ? new AccessLog(access, this.sink!) : undefined;
    this.bodyCapture = bodyCapture.enabled ? new BodyCapture(config, this.sink!) : undefined;
    this.labels = new CallLabels(config);
    this.tracker = new CallTracker({ config, metrics: callMetrics, accessLog: this.accessLog, tracing: this.tracing });
  }

  /** Wraps every provider so each upstream attempt is timed, traced and logged. */
  instrument(providers: Map<string, ProviderAdapter>): void {
    for (const [name, adapter] of providers) providers.set(name, instrumentProvider(adapter, this.tracker));
  }

  callAdmitted(requestId: string, admission: CallAdmission): void {
    this.tracker.admitted(requestId, admission);
  }

  firstByte(requestId: string): void {
    this.tracker.firstByte(requestId);
  }

  callFinished(row: LedgerRow): void {
    this.tracker.finished(row);
  }

  phase(requestId: string, name: string): PhaseEnd | undefined {
    const trace = this.tracker.get(requestId)?.trace;
    if (!trace?.recording) return undefined;
    const span = trace.child(`tollgate.${name}`);
    return (error) => (error === undefined ? span.end() : endWithError(span, error));
  }

  retry(event: RetryEvent): void {
    this.operations?.retries.inc({ gen_ai_request_model: event.model, target: event.target, reason: event.reason });
  }

  fallback(event: FallbackEvent): void {
    this.operations?.fallbacks.inc({ gen_ai_request_model: event.model, from: event.from, to: event.to, reason: event.reason });
  }

  breakerState(event: BreakerEvent): void {
    this.breakerStates.set(`${event.model}\u0000${event.target}`, event);
    const labels = { gen_ai_request_model: event.model, target: event.target };
    this.operations?.breakerState.set(labels, breakerStateValues[event.state]);
    this.operations?.breakerTransitions.inc({ ...labels, state: event.state });
  }

  /** The last state each breaker reported (readiness reads it). */
  breakers(): BreakerEvent[] {
    return [...this.breakerStates.values()];
  }

  cacheHit(event: CacheEvent): void {
    this.operations?.cacheLookups.inc({ route: event.routeKind, gen_ai_request_model: event.model, result: 'hit' });
  }

  cacheMiss(event: CacheEvent): void {
    this.operations?.cacheLookups.inc({ route: event.routeKind, gen_ai_request_model: event.model, result: 'miss' });
  }

  quotaRefusal(event: QuotaRefusalEvent): void {
    this.operations?.quotaRefusals.inc({ scope: event.scope, limit: event.limit, window: event.window, tenant: this.labels.tenant(event.tenantId) });
  }

  /** A 401 (authentication) or 403 (authorisation) answered to anyone, on any route. */
  securityRefusal(status: number, reason: string): void {
    if (status === 401) this.operations?.authFailures.inc({ reason });
    else this.operations?.authorizationRefusals.inc({ reason });
  }

  /** The Prometheus text of this process. */
  metricsText(): Promise<string> {
    return this.registry ? this.registry.metrics() : Promise.resolve('');
  }

  async close(): Promise<void> {
    await Promise.allSettled([this.sink?.close(), this.tracing?.shutdown()]);
  }
}
