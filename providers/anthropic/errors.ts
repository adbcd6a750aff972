/**
 * @module providers/anthropic/errors
 * Reads Anthropic's failures and hands them to the shared status mapping. Anthropic's error body
 * is `{"type":"error","error":{"type":"rate_limit_error","message":"..."}}`, with the HTTP status;
 * the same payload arrives as the `data` of an `event: error` in the middle of a stream, after the
 * 200 — then the status is inferred from the error type.
 * @see https://docs.anthropic.com/en/api/errors
 */
import { GatewayError } from '../../src/errors/gateway-error.js';
import { transportError, upstreamHttpError } from '../shared/upstream-errors.js';

/** An Anthropic error body, or the `data` of a stream's `event: error`. */
export interface AnthropicErrorPayload {
  type?: string;
  error?: { type?: string | null; message?: string | null } | null;
}

/** Response headers as undici hands them over (lower-case names). */
export type ResponseHeaders = Record<string, string | string[] | undefined>;

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

/**
 * An HTTP error answer → `GatewayError`. `bodyText` is whatever came back: Anthropic's JSON, or,
 * from a proxy in between, text or an HTML page (not repeated to the client).
 */
export function anthropicHttpError(provider: string, status: number, bodyText: string, headers: ResponseHeaders = {}): GatewayError {
  const payload = parseErrorPayload(bodyText);
  const message = stringOrNull(payload?.error?.message) ?? (bodyText.trim().startsWith('<') ? '' : bodyText.slice(0, 300));
  return upstreamHttpError({
    provider,
    status,
    message,
    code: stringOrNull(payload?.error?.type),
    retryAfter: firstHeader(headers['retry-after']),
  });
}

/** An error event's payload (as decoded from `data:`) → `GatewayError`. */
export function anthropicErrorFromPayload(provider: string, payload: AnthropicErrorPayload, status?: number): GatewayError {
  const type = stringOrNull(payload.error?.type);
  return upstreamHttpError({
    provider,
    status: status ?? statusForErrorType(type),
    message: stringOrNull(payload.error?.message) ?? '',
    code: type,
  });
}

/** The `data` of an `event: error`, read leniently: text that is not the JSON payload becomes its message. */
export function errorEventPayload(data: string): AnthropicErrorPayload {
  const payload = parseErrorPayload(data);
  if (payload) return payload;
  return { type: 'error', error: { type: null, message: data.slice(0, 300) } };
}

/** Anything thrown while calling Anthropic or reading its stream → `GatewayError`. */
export function toGatewayError(provider: string, error: unknown, signal?: AbortSignal): GatewayError {
  if (error instanceof GatewayError) return error;
  return transportError(provider, error, signal);
}

function parseErrorPayload(text: string): AnthropicErrorPayload | undefined {
  let parsed: unknown;
  try {
    parsed = JSON.parse(text);
  } catch {
    return undefined;
  }
  return parsed && typeof parsed === 'object' && !Array.isArray(parsed) ? (parsed as AnthropicErrorPayload) : undefined;
}

/** Only strings are read from a payload: a proxy's `{"error": "text"}` or a number is not Anthropic's shape. */
function stringOrNull(value: unknown): string | null {
  return typeof value === 'string' ? value : null;
}

function firstHeader(value: string | string[] | undefined): string | null {
  return (Array.isArray(value) ? value[0] : value) ?? null;
}
