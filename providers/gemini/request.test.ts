import { readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { chatCompletionRequestSchema, type ChatCompletionRequest } from '../../schemas/openai-chat.js';
import { GatewayError } from '../../src/errors/gateway-error.js';
import { toGenerateContentRequest } from './request.js';
import { encodeToolCallId } from './response.js';
import { conformancePath } from '../../test/helpers/conformance.js';

const recordings = conformancePath('gemini') + '/';
const recordedRequest = (name: string) => JSON.parse(readFileSync(`${recordings}js-genai/${name}.request.json`, 'utf8')).body;

function convert(request: Omit<ChatCompletionRequest, 'model'>) {
  return toGenerateContentRequest(chatCompletionRequestSchema.parse({ model: 'gemini-2.5-flash', ...request }), 'gemini');
}

function conversionError(request: Omit<ChatCompletionRequest, 'model'>): GatewayError {
  try {
    convert(request);
  } catch (error) {
    if (error instanceof GatewayError) return error;
    throw error;
  }
  throw new Error('expected a GatewayError');
}

const divideTool = {
  type: 'function' as const,
  function: {
    name: 'customDivide',
    description: 'Custom divide function',
    parameters: { type: 'object', properties: { numerator: { type: 'number' }, denominator: { type: 'number' } }, additionalProperties: false },
  },
};

describe('toGenerateContentRequest', () => {
  it('sends what the official SDK sent for a system instruction (js-genai recording)', () => {
    const body = convert({ messages: [{ role: 'system', content: 'I say high you say low' }, { role: 'user', content: 'high' }] });
    const recorded = recordedRequest('Client_Tests_generateContent_ML_Dev_should_generate_content_with_system_instruction.0.json');
    expect(body.contents).toEqual(recorded.contents);
    expect(body.systemInstruction).toEqual({ parts: recorded.systemInstruction.parts });
    expect(body.generationConfig).toBeUndefined();
  });

  it('sends tools and a multi-turn history as the SDK did (js-genai function-calling recording)', () => {
    const body = convert({
      messages: [
        { role: 'user', content: 'what is the result of 100/2' },
        { role: 'assistant', content: null, tool_calls: [{ id: 'call_a', type: 'function', function: { name: 'customDivide', arguments: '{"denominator":2,"numerator":100}' } }] },
        { role: 'user', content: 'what is the result of 50/2?' },
      ],
      tools: [divideTool],
    });
    const recorded = recordedRequest('Chats_Tests_chats_function_calling_Google_AI_with_function_calling_stream.1.sse');
    expect(body.contents).toEqual(recorded.contents);
    expect(body.tools).toEqual([
      { functionDeclarations: [{ ...recorded.tools[0].functionDeclarations[0], parameters: { type: 'OBJECT', properties: { numerator: { type: 'NUMBER' }, denominator: { type: 'NUMBER' } } } }] },
    ]);
  });

  it('puts leading system and developer messages in systemInstruction and keeps later ones in place as user text', () => {
    const body = convert({
      messages: [
        { role: 'system', content: 'Be brief.' },
        { role: 'developer', content: [{ type: 'text', text: 'Answer in English.' }] },
        { role: 'user', content: 'Hi' },
        { role: 'assistant', content: 'Hello!' },
        { role: 'developer', content: 'From now on, answer in French.' },
        { role: 'user', content: 'How are you?' },
      ],
    });
    expect(body.systemInstruction).toEqual({ parts: [{ text: 'Be brief.' }, { text: 'Answer in English.' }] });
    expect(body.contents).toEqual([
      { role: 'user', parts: [{ text: 'Hi' }] },
      { role: 'model', parts: [{ text: 'Hello!' }] },
      { role: 'user', parts: [{ text: 'From now on, answer in French.' }, { text: 'How are you?' }] },
    ]);
  });

  it('sends a conversation of system messages only as one user turn', () => {
    const body = convert({ messages: [{ role: 'system', content: 'Tell a joke.' }] });
    expect(body).toEqual({ contents: [{ role: 'user', parts: [{ text: 'Tell a joke.' }] }] });
  });

  it('merges consecutive contents of one role and skips empty assistant turns', () => {
    const body = convert({
      messages: [
        { role: 'user', content: 'one' },
        { role: 'user', content: [{ type: 'text', text: 'two' }] },
        { role: 'assistant', content: '' },
        { role: 'user', content: 'three' },
      ],
    });
    expect(body.contents).toEqual([{ role: 'user', parts: [{ text: 'one' }, { text: 'two' }, { text: 'three' }] }]);
  });

  it('maps tool calls and their results, restoring each thought signature on its functionCall part', () => {
    const recorded = JSON.parse(readFileSync(`${recordings}vertexai-sdk-test-data/unary-success-thinking-function-call-thought-summary-signature.json`, 'utf8'));
    const signature: string = recorded.candidates[0].content.parts[1].thoughtSignature;
    const firstId = encodeToolCallId('call_first', signature);
    const body = convert({
      messages: [
        { role: 'user', content: 'Weather in Paris and Rome, and the time?' },
        {
          role: 'assistant',
          content: 'Let me check.',
          tool_calls: [
            { id: firstId, type: 'function', function: { name: 'get_weather', arguments: '{"city":"Paris"}' } },
            { id: 'call_second', type: 'function', function: { name: 'get_weather', arguments: '{"city":"Rome"}' } },
            { id: 'call_third', type: 'function', function: { name: 'now', arguments: '' } },
          ],
        },
        { role: 'tool', tool_call_id: firstId, content: '{"temperature":21,"unit":"C"}' },
        { role: 'tool', tool_call_id: 'call_second', content: 'sunny, 25 C' },
        { role: 'tool', tool_call_id: 'call_third', content: [{ type: 'text', text: '[1, 2]' }] },
      ],
    });
    expect(body.contents).toEqual([
      { role: 'user', parts: [{ text: 'Weather in Paris and Rome, and the time?' }] },
      {
        role: 'model',
        parts: [
          { text: 'Let me check.' },
          { functionCall: { name: 'get_weather', args: { city: 'Paris' } }, thoughtSignature: signature },
          { functionCall: { name: 'get_weather', args: { city: 'Rome' } } },
          { functionCall: { name: 'now', args: {} } },
        ],
      },
      {
        role: 'user',
        parts: [
          { functionResponse: { name: 'get_weather', response: { temperature: 21, unit: 'C' } } },
          { functionResponse: { name: 'get_weather', response: { result: 'sunny, 25 C' } } },
          { functionResponse: { name: 'now', response: { result: '[1, 2]' } } },
        ],
      },
    ]);
  });

  it('answers 400 for a tool result whose id matches no earlier tool call, and for arguments that are not a JSON object', () => {
    const orphan = conversionError({ messages: [{ role: 'user', content: 'x' }, { role: 'tool', tool_call_id: 'call_x', content: 'y' }] });
    expect(orphan).toMatchObject({ status: 400, param: 'messages[1].tool_call_id' });
    const badArguments = conversionError({
      messages: [{ role: 'user', content: 'x' }, { role: 'assistant', tool_calls: [{ id: 'c', type: 'function', function: { name: 'f', arguments: '[1]' } }] }],
    });
    expect(badArguments).toMatchObject({ status: 400, param: 'messages[1].tool_calls[0].function.arguments' });
  });

  it('maps legacy function messages to function responses', () => {
    const body = convert({ messages: [{ role: 'user', content: 'x' }, { role: 'function', name: 'lookup', content: '{"ok":true}' }] });
    expect(body.contents[0]!.parts[1]).toEqual({ functionResponse: { name: 'lookup', response: { ok: true } } });
  });

  it('maps images: data URLs inline, http(s) URLs as fileData with a guessed mime type, never fetched', () => {
    const body = convert({
      messages: [
        {
          role: 'user',
          content: [
            { type: 'text', text: 'Compare' },
            { type: 'image_url', image_url: { url: 'data:image/png;base64,iVBORw0KGgo=' } },
            { type: 'image_url', image_url: { url: 'https://example.com/cat.JPG?size=large', detail: 'high' } },
            { type: 'image_url', image_url: { url: 'https://cdn.example.com/image/12345' } },
            { type: 'image_url', image_url: { url: 'data:image/svg+xml,%3Csvg%2F%3E' } },
            { type: 'input_audio', input_audio: { data: 'UklGRg==', format: 'wav' } },
            { type: 'file', file: { file_data: 'data:application/pdf;base64,JVBERi0=', filename: 'a.pdf' } },
          ],
        },
      ],
    });
    expect(body.contents[0]!.parts).toEqual([
      { text: 'Compare' },
      { inlineData: { mimeType: 'image/png', data: 'iVBORw0KGgo=' } },
      { fileData: { mimeType: 'image/jpeg', fileUri: 'https://example.com/cat.JPG?size=large' } },
      { fileData: { fileUri: 'https://cdn.example.com/image/12345' } },
      { inlineData: { mimeType: 'image/svg+xml', data: Buffer.from('<svg/>').toString('base64') } },
      { inlineData: { mimeType: 'audio/wav', data: 'UklGRg==' } },
      { inlineData: { mimeType: 'application/pdf', data: 'JVBERi0=' } },
    ]);
  });

  it('refuses image URLs that are neither data: nor http(s), and file ids', () => {
    expect(conversionError({ messages: [{ role: 'user', content: [{ type: 'image_url', image_url: { url: 'file:///etc/passwd' } }] }] })).toMatchObject({
      status: 400,
      param: 'messages[0].content[0].image_url.url',
    });
    expect(conversionError({ messages: [{ role: 'user', content: [{ type: 'file', file: { file_id: 'file-1' } }] }] })).toMatchObject({
      status: 400,
      code: 'unsupported_parameter',
    });
  });

  it('maps the sampling parameters to generationConfig and ignores user', () => {
    const body = convert({
      messages: [{ role: 'user', content: 'x' }],
      stop: 'END',
      max_tokens: 100,
      max_completion_tokens: 50,
      temperature: 0.3,
      top_p: 0.9,
      seed: 42,
      presence_penalty: 0.5,
      frequency_penalty: -0.5,
      n: 2,
      user: 'someone',
      reasoning_effort: 'low',
    });
    expect(body.generationConfig).toEqual({
      stopSequences: ['END'],
      maxOutputTokens: 50,
      temperature: 0.3,
      topP: 0.9,
      seed: 42,
      presencePenalty: 0.5,
      frequencyPenalty: -0.5,
      candidateCount: 2,
      thinkingConfig: { thinkingBudget: 1024 },
    });
    expect(convert({ messages: [{ role: 'user', content: 'x' }], n: 1, stop: ['a', 'b'] }).generationConfig).toEqual({ stopSequences: ['a', 'b'] });
  });

  it('maps response_format json_object and json_schema', () => {
    expect(convert({ messages: [{ role: 'user', content: 'x' }], response_format: { type: 'json_object' } }).generationConfig).toEqual({
      responseMimeType: 'application/json',
    });
    const body = convert({
      messages: [{ role: 'user', content: 'x' }],
      response_format: {
        type: 'json_schema',
        json_schema: {
          name: 'person',
          strict: true,
          schema: {
            type: 'object',
            properties: { name: { type: 'string' }, age: { type: ['integer', 'null'] } },
            required: ['name', 'age'],
            additionalProperties: false,
          },
        },
      },
    });
    expect(body.generationConfig).toEqual({
      responseMimeType: 'application/json',
      responseSchema: {
        type: 'OBJECT',
        properties: { name: { type: 'STRING' }, age: { type: 'INTEGER', nullable: true } },
        required: ['name', 'age'],
        propertyOrdering: ['name', 'age'],
      },
    });
  });

  it('maps tool_choice', () => {
    const base = { messages: [{ role: 'user' as const, content: 'x' }], tools: [divideTool] };
    expect(convert({ ...base, tool_choice: 'auto' }).toolConfig).toEqual({ functionCallingConfig: { mode: 'AUTO' } });
    expect(convert({ ...base, tool_choice: 'none' }).toolConfig).toEqual({ functionCallingConfig: { mode: 'NONE' } });
    expect(convert({ ...base, tool_choice: 'required' }).toolConfig).toEqual({ functionCallingConfig: { mode: 'ANY' } });
    expect(convert({ ...base, tool_choice: { type: 'function', function: { name: 'customDivide' } } }).toolConfig).toEqual({
      functionCallingConfig: { mode: 'ANY', allowedFunctionNames: ['customDivide'] },
    });
    expect(convert(base).toolConfig).toBeUndefined();
  });

  it('omits parameters of a function that takes none', () => {
    const body = convert({
      messages: [{ role: 'user', content: 'x' }],
      tools: [{ type: 'function', function: { name: 'now', parameters: { type: 'object', properties: {} } } }, { type: 'function', function: { name: 'ping' } }],
    });
    expect(body.tools).toEqual([{ functionDeclarations: [{ name: 'now' }, { name: 'ping' }] }]);
  });

  it('refuses logprobs, which are not mapped back', () => {
    expect(conversionError({ messages: [{ role: 'user', content: 'x' }], logprobs: true })).toMatchObject({ status: 400, param: 'logprobs' });
  });
});
