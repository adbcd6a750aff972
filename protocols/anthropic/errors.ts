/**
 * @module protocols/anthropic/errors
 * A `GatewayError` in Anthropic's error shape, `{"type":"error","error":{"type","message"}}`, as
 * a JSON body (with the HTTP status the error carries) or as a stream's `event: error`. The
 * `error.type` follows the status, as Anthropic's documented types do, so the Anthropic SDK raises
 * the same typed error (`RateLimitError`, `NotFoundError`...) for a failure that happened here.
 * @see https://docs.anthropic.com/en/api/errors
 */
import type { GatewayError } from '../../src/errors/gateway-error.js';

export function anthropicErrorType(status: number): string {
  switch (status) {
    case 400:
    case 405:
    case 422:
      return 'invalid_request_error';
    case 401:
      return 'authentication_error';
    case 402:
      return 'billing_error';
    case 403:
      return 'permission_error';
    case 404:
      return 'not_found_error';
    case 413:
      return 'request_too_large';
    case 429:
      return 'rate_limit_error';
    case 503:
    case 529:
      return 'overloaded_error';
    case 504:
      return 'timeout_error';
    default:
      return status >= 500 ? 'api_error' : 'invalid_request_error';
  }
}

export function anthropicErrorBody(error: GatewayError): { type: 'error'; error: { type: string; message: string } } {
  return { type: 'error', error: { type: anthropicErrorType(error.status), message: error.message } };
}

/** The `error` event that ends a stream which failed after its 200. */
export function anthropicErrorEvent(error: GatewayError): string {
  return `event: error\ndata: ${JSON.stringify(anthropicErrorBody(error))}\n\n`;
}
