/**
 * @module protocols/gemini/errors
 * A `GatewayError` in Google's error shape, `{"error":{"code","message","status"}}`, with the
 * canonical gRPC status name Google uses for each HTTP status, so `@google/genai` raises its
 * `ApiError` with the right status and message. The same body is a stream's last event when the
 * stream fails after its 200 (Google sends it that way too).
 * @see https://ai.google.dev/gemini-api/docs/troubleshooting
 */
import type { GatewayError } from '../../src/errors/gateway-error.js';

export function grpcStatus(status: number): string {
  switch (status) {
    case 400:
    case 413:
    case 422:
      return 'INVALID_ARGUMENT';
    case 401:
      return 'UNAUTHENTICATED';
    case 403:
      return 'PERMISSION_DENIED';
    case 404:
      return 'NOT_FOUND';
    case 405:
      return 'UNIMPLEMENTED';
    case 409:
      return 'ALREADY_EXISTS';
    case 429:
      return 'RESOURCE_EXHAUSTED';
    case 499:
      return 'CANCELLED';
    case 503:
      return 'UNAVAILABLE';
    case 504:
      return 'DEADLINE_EXCEEDED';
    default:
      return status >= 500 ? 'INTERNAL' : 'INVALID_ARGUMENT';
  }
}

export function geminiErrorBody(error: GatewayError): { error: { code: number; message: string; status: string } } {
  return { error: { code: error.status, message: error.message, status: grpcStatus(error.status) } };
}

export function geminiErrorEvent(error: GatewayError): string {
  return `data: ${JSON.stringify(geminiErrorBody(error))}\r\n\r\n`;
}
