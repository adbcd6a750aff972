/**
 * End to end through the real server, Google's `@google/genai` SDK as the client of Tollgate's
 * Gemini API (`:generateContent`, `:streamGenerateContent?alt=sse`) with only its base URL and key
 * changed: against an Anthropic upstream and an OpenAI upstream (translated), and a Gemini one.
 * Asserts what the SDK got, what the fake upstream received, and the ledger row (`gemini`).
 */
import { FunctionCallingConfigMode, GoogleGenAI, Type } from '@google/genai';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { fakeAnthropicKey, startFakeAnthropic, type FakeAnthropic } from '../fakes/fake-anthropic.js';
import { fakeGeminiKey, startFakeGemini, textTurn, type FakeGemini } from '../fakes/fake-gemini.js';
import { chunkStreamReply, fakeOpenAIKey, startFakeOpenAI, type FakeOpenAI } from '../fakes/fake-openai.js';
import { ledgerRowFor } from '../helpers/ledger.js';
import { startTestGateway, testKey, type TestGateway } from '../helpers/start-gateway.js';

let anthropicUpstream: FakeAnthropic;
let openaiUpstream: FakeOpenAI;
let geminiUpstream: FakeGemini;
let gateway: TestGateway;
let ai: GoogleGenAI;

beforeAll(async () => {
  anthropicUpstream = await startFakeAnthropic();
  openaiUpstream = await startFakeOpenAI();
  geminiUpstream = await startFakeGemini();
  gateway = await startTestGateway({
    providers: {
      claude: { type: 'anthropic', baseURL: anthropicUpstream.url, apiKey: fakeAnthropicKey },
      openai: { type: 'openai', baseURL: openaiUpstream.baseURL, apiKey: fakeOpenAIKey },
      google: { type: 'gemini', baseURL: geminiUpstream.url, apiKey: fakeGeminiKey },
    },
    models: {
      sonnet: { provider: 'claude', model: 'claude-opus-4-8' },
      gpt: { provider: 'openai', model: 'gpt-4o-mini' },
      flash: { provider: 'google', model: 'gemini-2.5-flash' },
    },
    storage: { sqlite: ':memory:', ledgerFlushMs: 10 },
  });
  ai = new GoogleGenAI({ apiKey: testKey, httpOptions: { baseUrl: gateway.url } });
});
afterAll(async () => {
  await gateway?.close();
  await anthropicUpstream?.close();
  await openaiUpstream?.close();
  await geminiUpstream?.close();
});
beforeEach(() => {
  anthropicUpstream.reset();
  openaiUpstream.reset();
  geminiUpstream.reset();
});

const weatherDeclaration = {
  name: 'get_weather',
  description: 'Weather for a city',
  parameters: { type: Type.OBJECT, properties: { city: { type: Type.STRING } }, required: ['city'] },
};

describe('Google’s SDK against Tollgate', () => {
  it('generateContent on an Anthropic model: system instruction, config, usage', async () => {
    anthropicUpstream.answerText('Bonjour !', { usage: { input_tokens: 12, output_tokens: 3, cache_read_input_tokens: 5 } });
    const response = await ai.models.generateContent({
      model: 'sonnet',
      contents: 'Say hello in French',
      config: { systemInstruction: 'Be brief.', maxOutputTokens: 64, stopSequences: ['END'] },
    });
    expect(response.text).toBe('Bonjour !');
    expect(response.candidates?.[0].finishReason).toBe('STOP');
    expect(response.usageMetadata).toMatchObject({ promptTokenCount: 17, cachedContentTokenCount: 5, candidatesTokenCount: 3, totalTokenCount: 20 });
    expect(anthropicUpstream.lastBody).toEqual({
      model: 'claude-opus-4-8',
      max_tokens: 64,
      system: [{ type: 'text', text: 'Be brief.' }],
      messages: [{ role: 'user', content: 'Say hello in French' }],
      stop_sequences: ['END'],
      stream: false,
    });
    const requestId = response.sdkHttpResponse?.headers?.['x-request-id'];
    expect(requestId).toBeTruthy();
    expect(await ledgerRowFor(gateway.url, requestId!)).toMatchObject({ protocol: 'gemini', model: 'sonnet', input_tokens: 12, cached_input_tokens: 5, output_tokens: 3 });
  });

  it('generateContentStream on an OpenAI model: text as it arrives, usage at the end', async () => {
    openaiUpstream.enqueue(chunkStreamReply([{ role: 'assistant', content: '' }, { content: 'Grüße ' }, { content: 'aus Köln 🎉' }], 'stop', 9, 4));
    const stream = await ai.models.generateContentStream({ model: 'gpt', contents: 'Greet me' });
    const texts: string[] = [];
    let last: any;
    for await (const chunk of stream) {
      if (chunk.text) texts.push(chunk.text);
      last = chunk;
    }
    expect(texts.join('')).toBe('Grüße aus Köln 🎉');
    expect(last.candidates[0].finishReason).toBe('STOP');
    expect(last.usageMetadata).toMatchObject({ promptTokenCount: 9, candidatesTokenCount: 4 });
    expect(openaiUpstream.requests[0].body).toMatchObject({ model: 'gpt-4o-mini', stream: true, messages: [{ role: 'user', content: [{ type: 'text', text: 'Greet me' }] }] });
  });

  it('a function call round trip on an Anthropic model', async () => {
    anthropicUpstream.answerToolUse([{ name: 'get_weather', input: { city: 'Oslo' }, id: 'toolu_7' }]);
    const first = await ai.models.generateContent({
      model: 'sonnet',
      contents: 'Weather in Oslo?',
      config: { tools: [{ functionDeclarations: [weatherDeclaration] }], toolConfig: { functionCallingConfig: { mode: FunctionCallingConfigMode.ANY } } },
    });
    expect(first.functionCalls).toEqual([{ id: 'toolu_7', name: 'get_weather', args: { city: 'Oslo' } }]);
    expect(anthropicUpstream.lastBody).toMatchObject({
      tools: [{ name: 'get_weather', description: 'Weather for a city', input_schema: { type: 'object', properties: { city: { type: 'string' } }, required: ['city'] } }],
      tool_choice: { type: 'any' },
    });

    anthropicUpstream.answerText('It is 3°C in Oslo.');
    const second = await ai.models.generateContent({
      model: 'sonnet',
      contents: [
        { role: 'user', parts: [{ text: 'Weather in Oslo?' }] },
        { role: 'model', parts: [{ functionCall: first.functionCalls![0] }] },
        { role: 'user', parts: [{ functionResponse: { id: 'toolu_7', name: 'get_weather', response: { temperature: '3°C' } } }] },
      ],
      config: { tools: [{ functionDeclarations: [weatherDeclaration] }] },
    });
    expect(second.text).toBe('It is 3°C in Oslo.');
    expect(anthropicUpstream.lastBody.messages).toEqual([
      { role: 'user', content: 'Weather in Oslo?' },
      { role: 'assistant', content: [{ type: 'tool_use', id: 'toolu_7', name: 'get_weather', input: { city: 'Oslo' } }] },
      { role: 'user', content: [{ type: 'tool_result', tool_use_id: 'toolu_7', content: '{"temperature":"3°C"}' }] },
    ]);
  });

  it('reaches a Gemini model too, translated both ways', async () => {
    geminiUpstream.script(textTurn(['Hi ', 'from Gemini.'], { usage: { promptTokenCount: 6, candidatesTokenCount: 4 } }));
    const response = await ai.models.generateContent({ model: 'flash', contents: 'Hi', config: { temperature: 0.3 } });
    expect(response.text).toBe('Hi from Gemini.');
    expect(geminiUpstream.requests[0].body).toMatchObject({ contents: [{ role: 'user', parts: [{ text: 'Hi' }] }], generationConfig: { temperature: 0.3 } });
    expect(geminiUpstream.requests[0].headers['x-goog-api-key']).toBe(fakeGeminiKey);
  });

  it('takes the key as ?key= too; errors answer in Google’s shape', async () => {
    const withQuery = await fetch(`${gateway.url}/v1beta/models/sonnet:generateContent?key=${testKey}`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ contents: [{ role: 'user', parts: [{ text: 'hi' }] }] }),
    });
    expect(withQuery.status).toBe(200);
    const stranger = new GoogleGenAI({ apiKey: 'tg_wrong_key_0123456789abcdef', httpOptions: { baseUrl: gateway.url } });
    const denied: any = await stranger.models.generateContent({ model: 'sonnet', contents: 'hi' }).catch((error) => error);
    expect(denied.status).toBe(401);
    const missing: any = await ai.models.generateContent({ model: 'nope', contents: 'hi' }).catch((error) => error);
    expect(missing.status).toBe(404);
    const bad = await fetch(`${gateway.url}/v1beta/models/sonnet:generateContent`, {
      method: 'POST',
      headers: { 'content-type': 'application/json', 'x-goog-api-key': testKey },
      body: JSON.stringify({ contents: [], generationConfig: { temperature: 7 } }),
    });
    expect(bad.status).toBe(400);
    expect(await bad.json()).toMatchObject({ error: { code: 400, status: 'INVALID_ARGUMENT', message: expect.any(String) } });
    const wrongMethod = await fetch(`${gateway.url}/v1beta/models/sonnet:generateContent`, { headers: { 'x-goog-api-key': testKey } });
    expect(wrongMethod.status).toBe(405);
    expect(wrongMethod.headers.get('allow')).toBe('POST');
    expect(await wrongMethod.json()).toMatchObject({ error: { code: 405, status: 'UNIMPLEMENTED' } });
  });

  it('streams a JSON array without alt=sse, as Google does', async () => {
    anthropicUpstream.answerText('One two');
    const response = await fetch(`${gateway.url}/v1beta/models/sonnet:streamGenerateContent`, {
      method: 'POST',
      headers: { 'content-type': 'application/json', 'x-goog-api-key': testKey },
      body: JSON.stringify({ contents: [{ role: 'user', parts: [{ text: 'Count' }] }] }),
    });
    const events = JSON.parse(await response.text());
    expect(events.map((event: any) => event.candidates[0].content.parts.map((part: any) => part.text).join('')).join('')).toBe('One two');
    expect(events.at(-1).candidates[0].finishReason).toBe('STOP');
  });
});
