/**
 * @module observability/instrumented-provider
 * Wraps a provider adapter so that every upstream attempt — whoever makes it: a route, a prompt's
 * repair, the router's retries and fallbacks — is timed (upstream time), traced (a client span
 * naming the deployment, its `traceparent` sent upstream), counted, and, when it fails, logged
 * with its cause. Adapters stay unaware of all of it. A streamed attempt counts as upstream time
 * until the call ends (the upstream is still sending), without wrapping the stream itself.
 */
import type { Span } from '@opentelemetry/api';
import type { ProviderAdapter, CallContext } from '../../providers/types.js';
import { GatewayError } from '../errors/gateway-error.js';
import { logger } from '../logging/logger.js';
import type { CallTracker } from './call-tracker.js';
import type { CallTrack } from './call-track.js';
import { endWithError } from './tracing/call-tracing.js';

interface Attempt {
  track: CallTrack;
  startedAt: number;
  span: Span | undefined;
  context: CallContext;
}

export function instrumentProvider(adapter: ProviderAdapter, tracker: CallTracker): ProviderAdapter {
  const begin = (context: CallContext, operation: string): Attempt | undefined => {
    const track = tracker.get(context.requestId);
    if (!track) return undefined;
    track.attempts++;
    let span: Span | undefined;
    let headers = track.inboundTraceHeaders;
    if (track.trace) {
      const attempt = track.trace.attempt({ providerName: adapter.name, providerType: adapter.type, upstreamModel: context.upstreamModel, operation }, track.attempts);
      span = attempt.span;
      headers = attempt.headers;
    }
    return { track, startedAt: performance.now(), span, context: headers ? { ...context, traceHeaders: headers } : context };
  };
  const succeeded = (attempt: Attempt | undefined, streamed: boolean) => {
    if (!attempt) return;
    if (streamed) {
      attempt.track.upstreamOpenedAt = attempt.startedAt;
      attempt.track.trace?.streamStarted();
    } else {
      attempt.track.upstreamSeconds += (performance.now() - attempt.startedAt) / 1000;
    }
    attempt.span?.end();
  };
  const failed = (attempt: Attempt | undefined, error: unknown) => {
    if (!attempt) return;
    attempt.track.upstreamSeconds += (performance.now() - attempt.startedAt) / 1000;
    if (attempt.span) endWithError(attempt.span, error);
    logAttemptFailure(adapter, attempt, error);
  };
  /** One upstream attempt of `operation`: timed, traced and logged around the adapter's own call. */
  const around =
    <Request, Result>(operation: string, call: (request: Request, context: CallContext) => Promise<Result>, streamed = false) =>
    async (request: Request, context: CallContext): Promise<Result> => {
      const attempt = begin(context, operation);
      try {
        const result = await call(request, attempt?.context ?? context);
        succeeded(attempt, streamed);
        return result;
      } catch (error) {
        failed(attempt, error);
        throw error;
      }
    };
  const instrumented: ProviderAdapter = {
    name: adapter.name,
    type: adapter.type,
    chat: around('chat', adapter.chat.bind(adapter)),
    streamChat: around('chat', adapter.streamChat.bind(adapter), true),
    close: adapter.close ? () => adapter.close!() : undefined,
  };
  if (adapter.embed) instrumented.embed = around('embeddings', adapter.embed.bind(adapter));
  // Images, audio and moderations: the adapter forwards the client's request to its own endpoint.
  if (adapter.forward) instrumented.forward = around('forward', adapter.forward.bind(adapter));
  return instrumented;
}

/** "Upstream failures logged with their cause": one line per failed attempt (the logger redacts it). */
function logAttemptFailure(adapter: ProviderAdapter, attempt: Attempt, error: unknown): void {
  const gatewayError = error instanceof GatewayError ? error : undefined;
  if (gatewayError?.code === 'client_closed_request') return;
  logger.warn('upstream attempt failed', {
    request_id: attempt.track.requestId,
    provider: adapter.name,
    upstream_model: attempt.context.upstreamModel,
    attempt: attempt.track.attempts,
    status: gatewayError?.status,
    error_code: gatewayError?.code,
    error: error instanceof Error ? error.message : String(error),
    cause: describeCause(error instanceof Error ? error.cause : undefined),
  });
}

function describeCause(cause: unknown, depth = 0): string | undefined {
  if (cause === undefined || cause === null || depth > 3) return undefined;
  if (!(cause instanceof Error)) return String(cause);
  const code = (cause as { code?: unknown }).code;
  const own = `${cause.name}${typeof code === 'string' ? ` ${code}` : ''}: ${cause.message}`;
  const inner = describeCause(cause.cause, depth + 1);
  return inner ? `${own} <- ${inner}` : own;
}
