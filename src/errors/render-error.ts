/**
 * @module errors/render-error
 * Turns anything thrown into a `GatewayError`, and a `GatewayError` into a response. Unexpected
 * errors are logged with their stack and answered with a generic 500 that reveals nothing inside.
 */
import { GatewayError } from './gateway-error.js';
import { logger } from '../logging/logger.js';

export function toGatewayError(error: unknown): GatewayError {
  if (error instanceof GatewayError) return error;
  logger.error('unexpected error', { error: describeError(error) });
  return new GatewayError(500, 'Tollgate hit an internal error; the request was not completed.', {
    type: 'server_error',
    code: 'internal_error',
  });
}

/** How a protocol writes an error body; OpenAI's shape unless a route's protocol says otherwise. */
export type ErrorBodyWriter = (error: GatewayError) => unknown;

export function errorResponse(error: GatewayError, extraHeaders?: Record<string, string>, writeBody?: ErrorBodyWriter): Response {
  return new Response(JSON.stringify(writeBody ? writeBody(error) : error.toBody()), {
    status: error.status,
    headers: { 'content-type': 'application/json', ...error.headers, ...extraHeaders },
  });
}

export function describeError(error: unknown): string {
  if (error instanceof Error) return error.stack ?? `${error.name}: ${error.message}`;
  return String(error);
}
