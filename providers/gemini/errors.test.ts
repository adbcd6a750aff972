import { readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { registerSecret } from '../../src/logging/logger.js';
import { geminiHttpError, geminiStreamError, retryAfterSeconds } from './errors.js';
import { conformancePath } from '../../test/helpers/conformance.js';

const recordings = conformancePath('gemini/vertexai-sdk-test-data') + '/';
const recorded = (name: string) => readFileSync(recordings + name, 'utf8');

describe('geminiHttpError', () => {
  it('treats a bad key (400 API_KEY_INVALID) as the gateway credentials failing: 502, key never shown', () => {
    const error = geminiHttpError('gemini', 400, recorded('unary-failure-api-key.json'), null);
    expect(error).toMatchObject({ status: 502, code: 'upstream_authentication_failed', type: 'upstream_error' });
    expect(error.message).toContain('API key not valid');
    expect(JSON.stringify(error.toBody())).not.toContain('key1234');
  });

  it('keeps a key out of the message even when Google puts it there', () => {
    const key = 'AIzaSyUnitTestSecretKey987';
    registerSecret(key);
    const body = JSON.stringify({ error: { code: 400, message: `API key ${key} is expired`, status: 'INVALID_ARGUMENT' } });
    expect(geminiHttpError('gemini', 400, body, null).message).not.toContain(key);
  });

  it('answers a disabled API (403) with 502', () => {
    expect(geminiHttpError('gemini', 403, recorded('unary-failure-generativelanguage-api-not-enabled.json'), null)).toMatchObject({ status: 502 });
  });

  it('keeps an unknown model a 404 model_not_found with Google\'s message', () => {
    const error = geminiHttpError('gemini', 404, recorded('unary-failure-unknown-model.json'), null);
    expect(error).toMatchObject({ status: 404, code: 'model_not_found', type: 'not_found_error' });
    expect(error.message).toBe(
      'gemini: models/gemini-5.0-flash is not found for API version v1, or is not supported for generateContent. Call ListModels to see the list of available models and their supported methods.',
    );
  });

  it('keeps a 429, deriving Retry-After from RetryInfo, else from the header', () => {
    const body = JSON.stringify({
      error: {
        code: 429,
        message: 'You exceeded your current quota.',
        status: 'RESOURCE_EXHAUSTED',
        details: [{ '@type': 'type.googleapis.com/google.rpc.QuotaFailure' }, { '@type': 'type.googleapis.com/google.rpc.RetryInfo', retryDelay: '36.5s' }],
      },
    });
    expect(geminiHttpError('gemini', 429, body, '5')).toMatchObject({ status: 429, code: 'rate_limit_exceeded', headers: { 'retry-after': '37' } });
    const bare = JSON.stringify({ error: { code: 429, message: 'Resource exhausted.', status: 'RESOURCE_EXHAUSTED' } });
    expect(geminiHttpError('gemini', 429, bare, '5').headers).toEqual({ 'retry-after': '5' });
    expect(geminiHttpError('gemini', 429, bare, null).headers).toEqual({});
  });

  it('maps 500 to 502 and 503 to 503, and keeps 400 details as the code', () => {
    const body = (code: number, status: string) => JSON.stringify({ error: { code, message: 'x', status } });
    expect(geminiHttpError('gemini', 500, body(500, 'INTERNAL'), null)).toMatchObject({ status: 502, code: 'upstream_error' });
    expect(geminiHttpError('gemini', 503, body(503, 'UNAVAILABLE'), null)).toMatchObject({ status: 503, code: 'upstream_overloaded' });
    expect(geminiHttpError('gemini', 400, recorded('../vertexai-sdk-test-data/streaming-failure-image-rejected.txt'), null)).toMatchObject({
      status: 400,
      code: 'INVALID_ARGUMENT',
      message: 'gemini: Request contains an invalid argument.',
    });
  });

  it('reads the array form and survives bodies that are not JSON', () => {
    const array = JSON.stringify([{ error: { code: 400, message: 'bad', status: 'INVALID_ARGUMENT' } }]);
    expect(geminiHttpError('gemini', 400, array, null).message).toBe('gemini: bad');
    expect(geminiHttpError('gemini', 502, '<html><body>Bad Gateway</body></html>', null)).toMatchObject({ status: 502, message: 'gemini: upstream answered HTTP 502' });
  });
});

describe('geminiStreamError', () => {
  it('uses the code inside the event as the status', () => {
    expect(geminiStreamError('gemini', { code: 429, message: 'slow down', status: 'RESOURCE_EXHAUSTED' })).toMatchObject({ status: 429 });
    expect(geminiStreamError('gemini', { message: 'no code' })).toMatchObject({ status: 502 });
  });
});

describe('retryAfterSeconds', () => {
  it('rounds Duration strings up to whole seconds', () => {
    expect(retryAfterSeconds('37s')).toBe('37');
    expect(retryAfterSeconds('1.2s')).toBe('2');
    expect(retryAfterSeconds('0.000123s')).toBe('1');
    expect(retryAfterSeconds('soon')).toBeNull();
    expect(retryAfterSeconds(undefined)).toBeNull();
  });
});
