import { describe, expect, it } from 'vitest';
import { GatewayError } from '../../src/errors/gateway-error.js';
import { registerSecret } from '../../src/logging/logger.js';
import { anthropicErrorFromPayload, anthropicHttpError, errorEventPayload, statusForErrorType, toGatewayError } from './errors.js';

/** An Anthropic error answer as it comes off the wire: status, JSON body, undici's lower-case headers. */
function httpError(status: number, type: string, message: string, headers: Record<string, string | string[]> = {}): GatewayError {
  const body = JSON.stringify({ type: 'error', error: { type, message }, request_id: 'req_011' });
  return anthropicHttpError('claude', status, body, { 'request-id': 'req_011', ...headers });
}

describe('anthropicHttpError', () => {
  it('keeps 429 and its Retry-After, with Anthropic’s own message and type', () => {
    const error = httpError(429, 'rate_limit_error', 'Slow down', { 'retry-after': '17' });
    expect(error).toMatchObject({ status: 429, type: 'rate_limit_error', code: 'rate_limit_error', message: 'claude: Slow down', headers: { 'retry-after': '17' } });
    expect(httpError(429, 'rate_limit_error', 'x', { 'retry-after': ['9', '10'] }).headers).toEqual({ 'retry-after': '9' });
  });

  it.each([
    [400, 'invalid_request_error', 400, 'invalid_request_error'],
    [401, 'authentication_error', 502, 'upstream_authentication_failed'],
    [403, 'permission_error', 502, 'upstream_authentication_failed'],
    [404, 'not_found_error', 404, 'not_found_error'],
    [413, 'request_too_large', 413, 'request_too_large'],
    [500, 'api_error', 502, 'api_error'],
    [529, 'overloaded_error', 503, 'overloaded_error'],
  ])('maps HTTP %i %s to %i', (status, type, expected, code) => {
    expect(httpError(status, type, 'x')).toMatchObject({ status: expected, code });
  });

  it('uses the HTTP status, not the type, when both are there', () => {
    expect(httpError(503, 'api_error', 'busy').status).toBe(503);
  });

  it('reads a body that is not Anthropic’s JSON: text is kept, an HTML page is not repeated', () => {
    expect(anthropicHttpError('claude', 502, 'upstream connect error', {})).toMatchObject({ status: 502, message: 'claude: upstream connect error' });
    const html = anthropicHttpError('claude', 502, '<html><body>Bad Gateway</body></html>', {});
    expect(html).toMatchObject({ status: 502, message: 'claude: upstream answered HTTP 502' });
    expect(anthropicHttpError('claude', 400, '{"error":"plain text"}', {})).toMatchObject({ status: 400, message: 'claude: {"error":"plain text"}' });
    expect(anthropicHttpError('claude', 429, '', { 'retry-after': '3' })).toMatchObject({ status: 429, headers: { 'retry-after': '3' } });
  });

  it('never repeats the provider key, even when the upstream echoes it', () => {
    const key = 'sk-ant-secret-key-123456';
    registerSecret(key);
    expect(httpError(400, 'invalid_request_error', `bad key ${key}`).message).not.toContain(key);
    expect(anthropicHttpError('claude', 401, `no such key ${key}`, {}).message).not.toContain(key);
  });
});

describe('mid-stream error events', () => {
  it('infers the status from the type (no HTTP status after the 200)', () => {
    expect(anthropicErrorFromPayload('claude', { type: 'error', error: { type: 'overloaded_error', message: 'Overloaded' } })).toMatchObject({
      status: 503,
      message: 'claude: Overloaded',
    });
    expect(anthropicErrorFromPayload('claude', { type: 'error', error: { type: 'api_error', message: 'boom' } }).status).toBe(502);
    expect(statusForErrorType('rate_limit_error')).toBe(429);
    expect(statusForErrorType(undefined)).toBe(500);
  });

  it('reads an event’s data leniently', () => {
    expect(errorEventPayload('{"type":"error","error":{"type":"overloaded_error","message":"Overloaded"}}').error?.type).toBe('overloaded_error');
    expect(anthropicErrorFromPayload('claude', errorEventPayload('something broke'))).toMatchObject({ status: 502, message: 'claude: something broke' });
  });
});

describe('toGatewayError', () => {
  it('treats aborts, connection failures and timeouts as transport errors', () => {
    const controller = new AbortController();
    controller.abort();
    expect(toGatewayError('claude', new DOMException('This operation was aborted', 'AbortError'), controller.signal)).toMatchObject({ status: 499 });
    expect(toGatewayError('claude', Object.assign(new Error('Headers Timeout Error'), { code: 'UND_ERR_HEADERS_TIMEOUT' }))).toMatchObject({
      status: 504,
      code: 'upstream_timeout',
    });
    const refused = Object.assign(new Error('connect ECONNREFUSED 127.0.0.1:1'), { code: 'ECONNREFUSED' });
    expect(toGatewayError('claude', refused)).toMatchObject({ status: 502, message: expect.stringContaining('ECONNREFUSED') });
  });

  it('passes GatewayErrors through', () => {
    const original = new GatewayError(418, 'teapot');
    expect(toGatewayError('claude', original)).toBe(original);
  });
});
