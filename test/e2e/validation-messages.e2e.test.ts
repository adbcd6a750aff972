/**
 * Every 400 says in plain words which field, what was wrong and what is allowed — through the
 * real server, for chat, embeddings, prompt publishing and the admin API — and never zod's raw
 * wording ("Invalid input: expected string, received undefined").
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { expectSpecValid } from '../helpers/openapi.js';
import { postJson } from '../helpers/http.js';
import { startTestGateway, testAdminKey, type TestGateway } from '../helpers/start-gateway.js';

let gateway: TestGateway;

beforeAll(async () => {
  gateway = await startTestGateway({
    providers: { demo: { type: 'mock' } },
    models: { demo: { provider: 'demo', model: 'echo' } },
  });
});
afterAll(() => gateway?.close());

const rawZodWording = /Invalid input|expected \w+, received|Too (small|big)|Invalid option|Invalid discriminator/;

async function badRequest(path: string, body: unknown, headers: Record<string, string> = {}) {
  const response = await postJson(`${gateway.url}${path}`, body, headers);
  expect(response.status).toBe(400);
  const payload: any = await response.json();
  expectSpecValid('ErrorResponse', payload);
  expect(payload.error.message).not.toMatch(rawZodWording);
  return payload.error as { message: string; param: string | null; code: string };
}

const admin = { authorization: `Bearer ${testAdminKey}` };
const user = [{ role: 'user', content: 'hi' }];

describe('plain-words 400s', () => {
  it.each([
    [{ messages: user }, 'model', 'Invalid request: `model` is missing: it must be a string.'],
    [{ model: 'demo', messages: [{ role: 'user' }] }, 'messages[0].content', 'Invalid request: `messages[0].content` is missing: it must be a string or an array.'],
    [
      { model: 'demo', messages: [{ role: 'usr', content: 'hi' }] },
      'messages[0].role',
      'Invalid request: `messages[0].role` must be one of "system", "developer", "user", "assistant", "tool", "function" (got "usr").',
    ],
    [{ model: 'demo', messages: user, temperature: 3 }, 'temperature', 'Invalid request: `temperature` must be at most 2 (got 3).'],
    [{ model: 'demo', messages: [] }, 'messages', 'Invalid request: `messages` must not be empty: give at least one item.'],
    [{ model: 'demo', messages: user, max_tokens: 'ten' }, 'max_tokens', 'Invalid request: `max_tokens` must be a number, not the string "ten".'],
  ])('chat: %j', async (body, param, message) => {
    const error = await badRequest('/v1/chat/completions', body);
    expect(error).toEqual({ message, param, code: 'invalid_request_body', type: 'invalid_request_error' });
  });

  it('embeddings: names the field and the allowed types', async () => {
    const error = await badRequest('/v1/embeddings', { model: 'demo', input: 42 });
    expect(error.message).toBe('Invalid request: `input` must be a string or an array, not the number 42.');
  });

  it('admin: an unknown field is named with the closest allowed one and the whole list', async () => {
    const error = await badRequest('/admin/tenants', { id: 'acme', quota: { requestsPerMinute: 5 } }, admin);
    expect(error.message).toBe(
      'Invalid request: The body has an unknown key "quota". Did you mean "quotas"? Allowed: id, quotas, models, services, timeZone, unpricedModels, allowBodyCapture.',
    );
  });

  it('admin: a bad value says what is allowed', async () => {
    const error = await badRequest('/admin/tenants', { id: 'acme', quotas: { requestsPerMinute: -1 }, timeZone: 'Mars/Olympus' }, admin);
    expect(error.param).toBe('quotas.requestsPerMinute');
    expect(error.message).toBe(
      'Invalid request: `quotas.requestsPerMinute` must be greater than 0 (got -1); `timeZone` must be an IANA time zone such as UTC or Europe/Berlin.',
    );
  });

  it('prompt publishing: the definition problems name their fields', async () => {
    const error = await badRequest('/admin/prompts', { name: 'x', model: 'demo', input: { type: 'object' }, messages: [{ role: 'robot', content: 'x' }] }, admin);
    expect(error.message).toBe('Invalid prompt: messages[0].role: must be one of "system", "user", "assistant" (got "robot")');
  });
});
