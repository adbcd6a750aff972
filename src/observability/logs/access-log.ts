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
import { JsonLine } from './json-line.js';
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
    const line = this.begin(row.status)
      .string('request_id', row.id)
      .string('client_request_id', track?.clientRequestId)
      .string('trace_id', traceId)
      .string('method', track?.method)
      .string('path', track?.path)
      .string('route', row.kind)
      .string('tenant', row.tenantId)
      .string('key_id', row.keyId)
      .string('model', row.model)
      .string('provider', row.provider)
      .string('upstream_model', row.upstreamModel)
      .string('service', row.service ?? null)
      .string('prompt', row.promptName ? `${row.promptName}@${row.promptVersion}` : undefined)
      .number('status', row.status)
      .string('error_code', row.errorCode ?? null)
      .number('latency_ms', round(timings.latencyMs))
      .number('first_byte_ms', timings.firstByteMs === null ? null : round(timings.firstByteMs))
      .number('upstream_ms', round(timings.upstreamMs))
      .number('gateway_ms', round(Math.max(0, timings.latencyMs - timings.upstreamMs)))
      .boolean('streamed', row.streamed ?? false)
      .numbers('tokens', {
        input: row.inputTokens ?? 0,
        cached_input: row.cachedInputTokens ?? 0,
        cache_write: row.cacheWriteTokens ?? 0,
        output: row.outputTokens ?? 0,
        reasoning: row.reasoningTokens ?? 0,
      })
      .string('cost_usd', row.costNanoUsd == null ? null : formatNanoUsd(row.costNanoUsd))
      .boolean('estimated', row.estimated ?? false)
      .boolean('cache_hit', row.cacheHit ?? false)
      .number('attempts', track?.attempts ?? 0);
    this.sink.write(redactSecrets(line.end()));
  }

  unrecorded(track: CallTrack, call: UnrecordedCall, latencyMs: number, traceId: string | undefined): void {
    const line = this.begin(call.status)
      .string('request_id', track.requestId)
      .string('client_request_id', track.clientRequestId)
      .string('trace_id', traceId)
      .string('method', track.method)
      .string('path', track.path)
      .string('route', track.routeKind)
      .string('tenant', null)
      .string('key_id', null)
      .number('status', call.status)
      .string('error_code', call.errorCode)
      .number('latency_ms', round(latencyMs))
      .number('attempts', 0);
    this.sink.write(redactSecrets(line.end()));
  }

  private begin(status: number): JsonLine {
    return new JsonLine(status >= 500 ? 'error' : status >= 400 ? 'warn' : 'info', 'call');
  }
}
