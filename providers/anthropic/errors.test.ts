import { APIConnectionError, APIConnectionTimeoutError, APIError, APIUserAbortError } from '@anthropic-ai/sdk';
import { describe, expect, it } from 'vitest';
import { GatewayError } from '../../src/errors/gateway-error.js';
import { registerSecret } from '../../src/logging/logger.js';
import { anthropicErrorFromPayload, statusForErrorType, toGatewayError } from './errors.js';

function apiError(status: number, type: string, message: string, headers: Record<string, string> = {}): APIError {
  return APIError.generate(status, { type: 'error', error: { type, message } }, undefined, new Headers(headers));
}

describe('toGatewayError', () => {
  it('keeps 429 and its Retry-After, with Anthropic’s own message and type', () => {
    const error = toGatewayError('claude', apiError(429, 'rate_limit_error', 'Slow down', { 'retry-after': '17' }));
    expect(error).toMatchObject({ status: 429, type: 'rate_limit_error', code: 'rate_limit_error', message: 'claude: Slow down', headers: { 'retry-after': '17' } });
  });

  it.each([
    [400, 'invalid_request_error', 400],
    [401, 'authentication_error', 502],
    [403, 'permission_error', 502],
    [404, 'not_found_error', 404],
    [413, 'request_too_large', 413],
    [500, 'api_error', 502],
    [529, 'overloaded_error', 503],
  ])('maps HTTP %i %s to %i', (status, type, expected) => {
    expect(toGatewayError('claude', apiError(status, type, 'x')).status).toBe(expected);
  });

  it('infers the status from the type for a mid-stream error event (no HTTP status)', () => {
    const midStream = new APIError(undefined, { type: 'error', error: { type: 'overloaded_error', message: 'Overloaded' } }, undefined, new Headers(), 'overloaded_error');
    expect(toGatewayError('claude', midStream)).toMatchObject({ status: 503, message: 'claude: Overloaded' });
    expect(anthropicErrorFromPayload('claude', { type: 'error', error: { type: 'api_error', message: 'boom' } }).status).toBe(502);
    expect(statusForErrorType('rate_limit_error')).toBe(429);
    expect(statusForErrorType(undefined)).toBe(500);
  });

  it('treats aborts, connection failures and timeouts as transport errors', () => {
    const controller = new AbortController();
    controller.abort();
    expect(toGatewayError('claude', new APIUserAbortError(), controller.signal)).toMatchObject({ status: 499 });
    expect(toGatewayError('claude', new APIConnectionTimeoutError())).toMatchObject({ status: 504, code: 'upstream_timeout' });
    const refused = new APIConnectionError({ message: 'Connection error.', cause: Object.assign(new Error('x'), { code: 'ECONNREFUSED' }) });
    expect(toGatewayError('claude', refused)).toMatchObject({ status: 502, message: expect.stringContaining('ECONNREFUSED') });
  });

  it('passes GatewayErrors through', () => {
    const original = new GatewayError(418, 'teapot');
    expect(toGatewayError('claude', original)).toBe(original);
  });

  it('never repeats the provider key, even when the upstream echoes it', () => {
    const key = 'sk-ant-secret-key-123456';
    registerSecret(key);
    const error = toGatewayError('claude', apiError(400, 'invalid_request_error', `bad key ${key}`));
    expect(error.message).not.toContain(key);
  });
});
