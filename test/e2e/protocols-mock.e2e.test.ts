/**
 * The README's promise, end to end: each official SDK changes only its base URL and key and
 * reaches a configured model — here the built-in mock — streamed and not.
 */
import Anthropic from '@anthropic-ai/sdk';
import { GoogleGenAI } from '@google/genai';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startTestGateway, testKey, type TestGateway } from '../helpers/start-gateway.js';

let gateway: TestGateway;

beforeAll(async () => {
  gateway = await startTestGateway({ providers: { demo: { type: 'mock' } }, models: { demo: { provider: 'demo', model: 'echo' } } });
});
afterAll(() => gateway?.close());

describe('every SDK against the mock provider', () => {
  it('Anthropic SDK: create and stream', async () => {
    const claude = new Anthropic({ baseURL: gateway.url, apiKey: testKey, maxRetries: 0 });
    const message = await claude.messages.create({ model: 'demo', max_tokens: 50, messages: [{ role: 'user', content: 'Echo me' }] });
    expect(message.content).toEqual([{ type: 'text', text: 'Echo me' }]);
    const streamed = await claude.messages.stream({ model: 'demo', max_tokens: 50, messages: [{ role: 'user', content: 'Echo me too' }] }).finalMessage();
    expect(streamed.content).toEqual([{ type: 'text', text: 'Echo me too' }]);
    expect(streamed.usage.input_tokens).toBeGreaterThan(0);
  });

  it('OpenAI Responses: create and stream', async () => {
    const response = await gateway.client.responses.create({ model: 'demo', input: 'Echo me' });
    expect(response.output_text).toBe('Echo me');
    const final = await gateway.client.responses.stream({ model: 'demo', input: 'Echo me too' }).finalResponse();
    expect(final.output_text).toBe('Echo me too');
  });

  it('Google SDK: generateContent and stream', async () => {
    const ai = new GoogleGenAI({ apiKey: testKey, httpOptions: { baseUrl: gateway.url } });
    expect((await ai.models.generateContent({ model: 'demo', contents: 'Echo me' })).text).toBe('Echo me');
    let text = '';
    for await (const chunk of await ai.models.generateContentStream({ model: 'demo', contents: 'Echo me too' })) text += chunk.text ?? '';
    expect(text).toBe('Echo me too');
  });
});
