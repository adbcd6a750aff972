/**
 * @module providers/anthropic/errors
 * Reads Anthropic's failures and hands them to the shared status mapping. Anthropic's error body
 * is `{"type":"error","error":{"type":"rate_limit_error","message":"..."}}`; the SDK raises it as
 * an `APIError` with the HTTP status, or, for an `event: error` in the middle of a stream, with no
 * status at all — then the status is inferred from the error type.
 * @see https://docs.anthropic.com/en/api/errors
 */
import { APIConnectionError, APIError, APIUserAbortError } from '@anthropic-ai/sdk';
import { GatewayError } from '../../src/errors/gateway-error.js';
import { transportError, upstreamHttpError } from '../shared/upstream-errors.js';

/** An Anthropic error body, or the `data` of a stream's `event: error`. */
export interface AnthropicErrorPayload {
  type?: string;
  error?: { type?: string | null; message?: string | null } | null;
}

/** The HTTP status Anthropic documents for each error type, for errors that arrive without one. */
export function statusForErrorType(type: string | null | undefined): number {
  switch (type) {
    case 'invalid_request_error':
      return 400;
    case 'authentication_error':
      return 401;
    case 'billing_error':
      return 402;
    case 'permission_error':
      return 403;
    case 'not_found_error':
      return 404;
    case 'request_too_large':
      return 413;
    case 'rate_limit_error':
      return 429;
    case 'timeout_error':
      return 504;
    case 'overloaded_error':
      return 529;
    case 'api_error':
    default:
      return 500;
  }
}

/** An error event's payload (as decoded from `data:`) → `GatewayError`. */
export function anthropicErrorFromPayload(provider: string, payload: AnthropicErrorPayload, status?: number): GatewayError {
  const type = payload.error?.type ?? null;
  return upstreamHttpError({
    provider,
    status: status ?? statusForErrorType(type),
    message: payload.error?.message ?? '',
    code: type,
  });
}

/** Anything the SDK (or the stream mapper) throws → `GatewayError`. */
export function toGatewayError(provider: string, error: unknown, signal?: AbortSignal): GatewayError {
  if (error instanceof GatewayError) return error;
  // Aborts and connection failures are APIError subclasses without a status: they are transport errors.
  if (error instanceof APIError && !(error instanceof APIUserAbortError) && !(error instanceof APIConnectionError)) {
    if (signal?.aborted) return transportError(provider, error, signal);
    const type = error.type ?? (error.error as AnthropicErrorPayload | undefined)?.error?.type ?? null;
    return upstreamHttpError({
      provider,
      status: error.status ?? statusForErrorType(type),
      // `apiMessage` is Anthropic's own sentence; `message` would prefix the status and the raw body.
      message: error.apiMessage ?? error.message,
      code: type,
      retryAfter: error.headers?.get('retry-after') ?? null,
    });
  }
  return transportError(provider, error, signal);
}
