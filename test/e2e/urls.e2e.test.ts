/**
 * Unknown URLs and wrong methods, through the real server: a known path with a method it does not
 * take is 405 with `Allow`, before authentication; an unknown URL is 404; both in OpenAI's error
 * shape. A trailing slash on a known path works like the path without it.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { expectSpecValid } from '../helpers/openapi.js';
import { startTestGateway, testAdminKey, testKey, type TestGateway } from '../helpers/start-gateway.js';

let gateway: TestGateway;

beforeAll(async () => {
  gateway = await startTestGateway({ providers: { demo: { type: 'mock' } }, models: { demo: { provider: 'demo', model: 'echo' } } });
});
afterAll(() => gateway?.close());

const send = (method: string, path: string, key: string | undefined = testKey, body?: unknown) =>
  fetch(`${gateway.url}${path}`, {
    method,
    headers: { 'content-type': 'application/json', ...(key ? { authorization: `Bearer ${key}` } : {}) },
    body: body === undefined ? undefined : JSON.stringify(body),
  });

async function expectError(response: Response, status: number, code: string) {
  expect(response.status).toBe(status);
  const body: any = await response.json();
  expectSpecValid('ErrorResponse', body);
  expect(body.error.code).toBe(code);
  return body.error;
}

describe('wrong methods', () => {
  it.each([
    ['GET', '/v1/chat/completions', 'POST'],
    ['PUT', '/v1/embeddings', 'POST'],
    ['POST', '/v1/models', 'GET'],
    ['DELETE', '/v1/models/demo', 'GET'],
    ['DELETE', '/admin/tenants', 'GET, POST'],
    ['PUT', '/admin/tenants/acme', 'DELETE, GET, PATCH'],
    ['GET', '/v1/prompts/sentiment/versions/1', 'POST'],
    ['POST', '/healthz', 'GET'],
  ])('%s %s is 405 with Allow: %s', async (method, path, allow) => {
    for (const key of [testKey, undefined]) {
      const response = await send(method, path, key);
      expect(response.headers.get('allow')).toBe(allow);
      const error = await expectError(response, 405, 'method_not_allowed');
      expect(error.message).toBe(`${method} is not allowed on ${path}; use ${allow}.`);
    }
  });

  it('answers HEAD wherever GET is allowed', async () => {
    expect((await send('HEAD', '/healthz')).status).toBe(200);
  });
});

describe('unknown URLs', () => {
  it.each(['/v1/chat/completion', '/v1', '/', '/admin/nothing', '/v2/chat/completions'])('%s is 404 unknown_url, with or without a key', async (path) => {
    for (const key of [testKey, undefined]) {
      const error = await expectError(await send('GET', path, key), 404, 'unknown_url');
      expect(error.message).toBe(`Unknown request URL: GET ${path}.`);
    }
  });
});

describe('trailing slashes', () => {
  it('work on known paths', async () => {
    const chat = await send('POST', '/v1/chat/completions/', testKey, { model: 'demo', messages: [{ role: 'user', content: 'hi' }] });
    expect(chat.status).toBe(200);
    expect(((await chat.json()) as any).choices[0].message.content).toBe('hi');
    expect((await send('GET', '/v1/models/')).status).toBe(200);
    expect((await send('GET', '/admin/tenants/', testAdminKey)).status).toBe(200);
    expect((await send('GET', '/healthz/')).status).toBe(200);
    expect((await send('GET', '/v1/chat/completions/')).headers.get('allow')).toBe('POST');
  });
});
