/**
 * @module observability/tracing/call-tracing
 * The spans of one call: the call itself (a server span, the child of the caller's W3C
 * `traceparent` when one came), authentication, the quota reservation, each upstream attempt (a
 * client span naming the deployment, whose context goes upstream as `traceparent`), the stream,
 * and the ledger hand-over. Contexts are passed explicitly (no AsyncLocalStorage; see
 * tracing-setup.ts). Attributes follow the OpenTelemetry GenAI semantic conventions.
 */
import { ROOT_CONTEXT, SpanKind, SpanStatusCode, trace, type Context, type Span, type TextMapGetter } from '@opentelemetry/api';
import type { LedgerRow } from '../../ledger/types.js';
import { genAiProviderName, operationName } from '../metrics/call-labels.js';
import type { Tracing } from './tracing-setup.js';
import { genAi } from './genai-attributes.js';

export interface InboundRequest {
  method: string;
  path: string;
  header(name: string): string | undefined;
}

const headerGetter: TextMapGetter<InboundRequest> = {
  keys: () => ['traceparent', 'tracestate'],
  get: (carrier, key) => carrier.header(key),
};

export interface UpstreamTarget {
  providerName: string;
  providerType: string;
  upstreamModel: string;
  operation: string;
}

export class CallTrace {
  private readonly context: Context;
  private stream: Span | undefined;

  private constructor(
    private readonly tracing: Tracing,
    readonly root: Span,
  ) {
    this.context = trace.setSpan(ROOT_CONTEXT, root);
  }

  static start(tracing: Tracing, request: InboundRequest, routeKind: string): CallTrace {
    const parent = tracing.propagator.extract(ROOT_CONTEXT, request, headerGetter);
    const root = tracing.tracer.startSpan(
      `${request.method} ${request.path}`,
      {
        kind: SpanKind.SERVER,
        attributes: {
          'http.request.method': request.method,
          'url.path': request.path,
          'tollgate.route_kind': routeKind,
          [genAi.operationName]: operationName(routeKind) || undefined,
        },
      },
      parent,
    );
    return new CallTrace(tracing, root);
  }

  get recording(): boolean {
    return this.root.isRecording();
  }

  /** A span under the call's span; `end()` it. */
  child(name: string, kind: SpanKind = SpanKind.INTERNAL): Span {
    return this.tracing.tracer.startSpan(name, { kind }, this.context);
  }

  /**
   * The span of one upstream attempt, and the headers that carry its context upstream. An unsampled
   * call makes no span: the upstream gets the call's own (unsampled) context.
   */
  attempt(target: UpstreamTarget, attemptNumber: number): { span: Span | undefined; headers: Record<string, string> } {
    const headers: Record<string, string> = {};
    const setter = { set: (carrier: Record<string, string>, key: string, value: string) => (carrier[key] = value) };
    if (!this.recording) {
      this.tracing.propagator.inject(this.context, headers, setter);
      return { span: undefined, headers };
    }
    const span = this.tracing.tracer.startSpan(
      `${target.operation || 'call'} ${target.upstreamModel}`,
      {
        kind: SpanKind.CLIENT,
        attributes: {
          [genAi.operationName]: target.operation || undefined,
          [genAi.providerName]: genAiProviderName(target.providerType),
          [genAi.requestModel]: target.upstreamModel,
          'tollgate.provider': target.providerName,
          'tollgate.deployment': `${target.providerName}/${target.upstreamModel}`,
          'tollgate.attempt': attemptNumber,
        },
      },
      this.context,
    );
    this.tracing.propagator.inject(trace.setSpan(this.context, span), headers, setter);
    return { span, headers };
  }

  /** The stream span runs from the upstream's acceptance to the call's end. */
  streamStarted(): void {
    if (this.recording) this.stream ??= this.child('tollgate.stream');
  }

  /** Ends every span of the call with what its ledger row says. */
  finish(row: LedgerRow, attempts: number): void {
    const root = this.root;
    if (!this.recording) {
      root.end();
      return;
    }
    const handover = this.child('tollgate.ledger.handover');
    handover.setAttribute('tollgate.request_id', row.id);
    handover.end();
    if (this.stream) {
      if (row.status >= 400) this.stream.setStatus({ code: SpanStatusCode.ERROR, message: row.errorCode ?? undefined });
      this.stream.end();
    }
    if (row.model) root.updateName(`${operationName(row.kind) || row.kind} ${row.model}`);
    root.setAttributes({
      'http.response.status_code': row.status,
      [genAi.requestModel]: row.model ?? undefined,
      'tollgate.request_id': row.id,
      'tollgate.tenant.id': row.tenantId ?? undefined,
      'tollgate.key.id': row.keyId ?? undefined,
      'tollgate.provider': row.provider ?? undefined,
      'tollgate.upstream_model': row.upstreamModel ?? undefined,
      'tollgate.attempts': attempts,
      'tollgate.streamed': row.streamed ?? false,
      'tollgate.cost_usd': row.costNanoUsd == null ? undefined : row.costNanoUsd / 1e9,
      'tollgate.usage_estimated': row.estimated ?? false,
      'tollgate.cache_hit': row.cacheHit ?? false,
      ...usageAttributes(row),
    });
    if (row.status >= 400) {
      root.setAttribute('error.type', row.errorCode ?? String(row.status));
      if (row.status >= 500) root.setStatus({ code: SpanStatusCode.ERROR, message: row.errorCode ?? undefined });
    }
    root.end();
  }

  /** For calls that ended without a ledger row (no key, unknown URL). */
  finishWithoutRow(status: number, errorCode: string | null): void {
    this.root.setAttribute('http.response.status_code', status);
    if (status >= 400) this.root.setAttribute('error.type', errorCode ?? String(status));
    if (status >= 500) this.root.setStatus({ code: SpanStatusCode.ERROR });
    this.root.end();
  }
}

/** gen_ai.usage.*: input counts every prompt token (cached and written included), output includes reasoning. */
function usageAttributes(row: LedgerRow): Record<string, number> {
  const input = row.inputTokens ?? 0;
  const cached = row.cachedInputTokens ?? 0;
  const cacheWrite = row.cacheWriteTokens ?? 0;
  const output = row.outputTokens ?? 0;
  const reasoning = row.reasoningTokens ?? 0;
  return {
    [genAi.usageInputTokens]: input + cached + cacheWrite,
    [genAi.usageOutputTokens]: output + reasoning,
    [genAi.usageCacheReadTokens]: cached,
    [genAi.usageCacheCreationTokens]: cacheWrite,
    [genAi.usageReasoningTokens]: reasoning,
  };
}

/** Records a failure on a span and ends it. */
export function endWithError(span: Span, error: unknown): void {
  const code = (error as { code?: unknown } | null)?.code;
  span.setAttribute('error.type', typeof code === 'string' ? code : error instanceof Error ? error.name : 'error');
  span.setStatus({ code: SpanStatusCode.ERROR, message: error instanceof Error ? error.message.slice(0, 500) : undefined });
  span.end();
}
