/**
 * @module observability/call-tracker
 * Follows each call from its arrival to its ledger row and turns it into metrics, one access-log
 * line and its spans — in one place, when the row is written (`MeteredCall` writes exactly one),
 * or when the request ends without one (no key, a bad key). Upstream attempts report here through
 * the instrumented providers (instrumented-provider.ts).
 */
import type { TollgateConfig } from '../../schemas/config.js';
import type { LedgerRow } from '../ledger/types.js';
import { logger } from '../logging/logger.js';
import { CallTrack } from './call-track.js';
import type { AccessLog, UnrecordedCall } from './logs/access-log.js';
import { CallLabels, genAiProviderName, operationName, statusClass } from './metrics/call-labels.js';
import type { CallMetrics, CallSeriesGroup } from './metrics/call-metrics.js';
import type { CallAdmission } from './observer.js';
import { CallTrace, type InboundRequest } from './tracing/call-tracing.js';
import type { Tracing } from './tracing/tracing-setup.js';

export interface CallTrackerParts {
  config: TollgateConfig;
  metrics?: CallMetrics;
  accessLog?: AccessLog;
  tracing?: Tracing;
}

export class CallTracker {
  private readonly tracks = new Map<string, CallTrack>();
  private readonly labels: CallLabels;
  private readonly tokens = [0, 0, 0, 0, 0];

  constructor(private readonly parts: CallTrackerParts) {
    this.labels = new CallLabels(parts.config);
  }

  /** A call arrives. */
  open(requestId: string, routeKind: string, request: InboundRequest, clientRequestId: string | undefined): CallTrack {
    const trace = this.parts.tracing ? CallTrace.start(this.parts.tracing, request, routeKind) : undefined;
    const track = new CallTrack(requestId, routeKind, request.method, request.path, trace, clientRequestId);
    if (!trace) {
      const traceparent = request.header('traceparent');
      if (traceparent) {
        const tracestate = request.header('tracestate');
        track.inboundTraceHeaders = tracestate ? { traceparent, tracestate } : { traceparent };
      }
    }
    this.tracks.set(requestId, track);
    return track;
  }

  get(requestId: string): CallTrack | undefined {
    return this.tracks.get(requestId);
  }

  admitted(requestId: string, admission: CallAdmission): void {
    let track = this.tracks.get(requestId);
    if (!track) {
      track = new CallTrack(requestId, admission.routeKind, '', '', undefined, undefined);
      this.tracks.set(requestId, track);
    }
    track.admitted = true;
    if (!this.parts.metrics) return;
    track.group = this.group(admission.routeKind, admission.publicModel, admission.providerName, admission.providerType, admission.service, admission.tenantId);
    track.group.inFlight.inc();
  }

  firstByte(requestId: string): void {
    const track = this.tracks.get(requestId);
    if (track && track.firstByteAt === undefined) track.firstByteAt = performance.now();
  }

  /** The call's ledger row was written: record it everywhere, once. */
  finished(row: LedgerRow): void {
    const track = this.tracks.get(row.id);
    if (track) {
      if (track.finished) return;
      track.finished = true;
      this.tracks.delete(row.id);
    }
    const now = performance.now();
    const latencyMs = track && track.method !== '' ? now - track.startedAt : row.latencyMs;
    const upstreamMs = track ? track.upstreamTotal(now) * 1000 : 0;
    const firstByteMs = track?.firstByteAt !== undefined ? track.firstByteAt - track.startedAt : (row.ttfbMs ?? null);
    const { metrics, accessLog } = this.parts;
    if (metrics) {
      const providerType = row.provider ? (this.parts.config.providers[row.provider]?.type ?? null) : null;
      const group = track?.group ?? this.group(row.kind, row.model ?? null, row.provider ?? null, providerType, row.service ?? null, row.tenantId ?? null);
      if (track?.group) group.inFlight.dec();
      const tokens = this.tokens;
      tokens[0] = row.inputTokens ?? 0;
      tokens[1] = row.cachedInputTokens ?? 0;
      tokens[2] = row.cacheWriteTokens ?? 0;
      tokens[3] = row.outputTokens ?? 0;
      tokens[4] = row.reasoningTokens ?? 0;
      const firstTokenSeconds = row.streamed && firstByteMs !== null ? firstByteMs / 1000 : null;
      group.forStatus(statusClass(row.status)).record({ totalSeconds: latencyMs / 1000, upstreamSeconds: upstreamMs / 1000, firstTokenSeconds }, tokens, (row.costNanoUsd ?? 0) / 1e9);
    }
    if (row.streamed && row.status >= 500 && track?.upstreamOpenedAt !== undefined) {
      // The attempt was accepted, so the failure came mid-stream (the attempt's own log line was not written).
      logger.warn('upstream stream failed', { request_id: row.id, provider: row.provider, upstream_model: row.upstreamModel, status: row.status, error_code: row.errorCode });
    }
    if (accessLog?.wants(row.status)) accessLog.call(track, row, { latencyMs, upstreamMs, firstByteMs }, traceId(track));
    track?.trace?.finish(row, track.attempts);
  }

  /** The request ended and no ledger row was written for it (refused before a caller was known). */
  endedWithoutRow(track: CallTrack, call: UnrecordedCall): void {
    if (track.finished) return;
    track.finished = true;
    this.tracks.delete(track.requestId);
    const latencyMs = performance.now() - track.startedAt;
    if (this.parts.metrics) {
      this.group(track.routeKind, null, null, null, null, null)
        .forStatus(statusClass(call.status))
        .record({ totalSeconds: latencyMs / 1000, upstreamSeconds: 0, firstTokenSeconds: null }, [0, 0, 0, 0, 0], 0);
    }
    if (this.parts.accessLog?.wants(call.status)) this.parts.accessLog.unrecorded(track, call, latencyMs, traceId(track));
    track.trace?.finishWithoutRow(call.status, call.errorCode);
  }

  private group(routeKind: string, publicModel: string | null, providerName: string | null, providerType: string | null, service: string | null, tenantId: string | null): CallSeriesGroup {
    const model = this.labels.model(publicModel, providerName);
    const tenant = this.labels.tenant(tenantId);
    const provider = providerName ?? '';
    const serviceName = service ?? '';
    const key = `${routeKind}\u0000${model}\u0000${provider}\u0000${serviceName}\u0000${tenant}`;
    const metrics = this.parts.metrics!;
    return metrics.findGroup(key) ?? metrics.group(key, {
      route: routeKind,
      gen_ai_operation_name: operationName(routeKind),
      gen_ai_provider_name: genAiProviderName(providerType),
      gen_ai_request_model: model,
      provider,
      service: serviceName,
      tenant,
    });
  }
}

function traceId(track: CallTrack | undefined): string | undefined {
  const context = track?.trace?.root.spanContext();
  return context && context.traceFlags & 1 ? context.traceId : undefined;
}
