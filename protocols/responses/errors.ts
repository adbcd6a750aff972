/**
 * @module protocols/responses/errors
 * The Responses API answers errors in OpenAI's usual shape, `{"error": {message, type, param,
 * code}}` (the gateway's default); only a stream that fails after its 200 needs its own events,
 * which `stream.ts` writes (`error`, then `response.failed`). What this file adds is the 404 of
 * an unknown stored response, as OpenAI words it.
 */
import { GatewayError } from '../../src/errors/gateway-error.js';

export function responseNotFound(id: string, param: string | null = null): GatewayError {
  return new GatewayError(404, `Response with id '${id}' not found.`, { type: 'invalid_request_error', param, code: 'response_not_found' });
}
