/**
 * @module observability/logs/access-log
 * One JSON line per call: who called (tenant, key id), what (route kind, model, service), how it
 * went (status, error code, attempts), how long (latency, first byte, upstream and gateway time),
 * and what it used (tokens, cost). Successes can be sampled; failures are always written. Every
 * line passes through the redactor (keys, `Authorization` values, provider secrets), though it
 * carries ids, never keys.
 */
import type { LogsConfig } from '../../../schemas/observability-config.js';
import type { LedgerRow } from '../../ledger/types.js';
import { formatNanoUsd } from '../../metering/decimal.js';
import { logLevelEnabled, redactSecrets } from '../../logging/logger.js';
import type { CallTrack } from '../call-track.js';
import type { LineSink } from './line-sink.js';

export interface AccessTimings {
  latencyMs: number;
  upstreamMs: number;
  firstByteMs: number | null;
}

/** A call that ended before it had a ledger row (no key, a bad key). */
export interface UnrecordedCall {
  status: number;
  errorCode: string | null;
}

const round = (ms: number) => Math.round(ms * 100) / 100;

export class AccessLog {
  private readonly sampleSuccesses: number;

  constructor(
    config: LogsConfig['access'],
    private readonly sink: LineSink,
  ) {
    this.sampleSuccesses = config.sampleSuccesses;
  }

  /** Whether a call with this status is written (levels and sampling). */
  wants(status: number): boolean {
    const level = status >= 500 ? 'error' : status >= 400 ? 'warn' : 'info';
    if (!logLevelEnabled(level)) return false;
    return status >= 400 || this.sampleSuccesses >= 1 || Math.random() < this.sampleSuccesses;
  }

  call(track: CallTrack | undefined, row: LedgerRow, timings: AccessTimings, traceId: string | undefined): void {
    const tokens = {
      input: row.inputTokens ?? 0,
      cached_input: row.cachedInputTokens ?? 0,
      cache_write: row.cacheWriteTokens ?? 0,
      output: row.outputTokens ?? 0,
      reasoning: row.reasoningTokens ?? 0,
    };
    this.write(row.status, {
      request_id: row.id,
      client_request_id: track?.clientRequestId,
      trace_id: traceId,
      method: track?.method,
      path: track?.path,
      route: row.kind,
      tenant: row.tenantId,
      key_id: row.keyId,
      model: row.model,
      provider: row.provider,
      upstream_model: row.upstreamModel,
      service: row.service ?? null,
      prompt: row.promptName ? `${row.promptName}@${row.promptVersion}` : undefined,
      status: row.status,
      error_code: row.errorCode ?? null,
      latency_ms: round(timings.latencyMs),
      first_byte_ms: timings.firstByteMs === null ? null : round(timings.firstByteMs),
      upstream_ms: round(timings.upstreamMs),
      gateway_ms: round(Math.max(0, timings.latencyMs - timings.upstreamMs)),
      streamed: row.streamed ?? false,
      tokens,
      cost_usd: row.costNanoUsd == null ? null : formatNanoUsd(row.costNanoUsd),
      estimated: row.estimated ?? false,
      cache_hit: row.cacheHit ?? false,
      attempts: track?.attempts ?? 0,
    });
  }

  unrecorded(track: CallTrack, call: UnrecordedCall, latencyMs: number, traceId: string | undefined): void {
    this.write(call.status, {
      request_id: track.requestId,
      client_request_id: track.clientRequestId,
      trace_id: traceId,
      method: track.method,
      path: track.path,
      route: track.routeKind,
      tenant: null,
      key_id: null,
      status: call.status,
      error_code: call.errorCode,
      latency_ms: round(latencyMs),
      attempts: 0,
    });
  }

  private write(status: number, fields: Record<string, unknown>): void {
    const level = status >= 500 ? 'error' : status >= 400 ? 'warn' : 'info';
    const line = JSON.stringify({ time: new Date().toISOString(), level, message: 'call', ...fields });
    this.sink.write(redactSecrets(line));
  }
}
