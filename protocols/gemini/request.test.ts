import { readdirSync, readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { conformancePath } from '../../test/helpers/conformance.js';
import { toChatRequest } from './request.js';
import { generateContentRequestSchema } from './schema.js';

const folder = conformancePath('gemini', 'js-genai');
const recorded = readdirSync(folder)
  .filter((file) => file.endsWith('.request.json'))
  .map((file) => ({ file, ...(JSON.parse(readFileSync(`${folder}/${file}`, 'utf8')) as { url: string; body: unknown }) }));

describe('toChatRequest on the requests @google/genai recorded', () => {
  it.each(recorded.map((entry) => [entry.file, entry] as const))('%s', (_file, entry) => {
    const stream = entry.url.includes(':streamGenerateContent');
    const request = toChatRequest(generateContentRequestSchema.parse(entry.body), 'public', stream);
    expect(request.model).toBe('public');
    expect(request.stream === true).toBe(stream);
    const body = entry.body as any;
    if (body.systemInstruction) expect(request.messages[0]).toEqual({ role: 'system', content: body.systemInstruction.parts[0].text });
    const declarations = (body.tools ?? []).flatMap((tool: any) => tool.functionDeclarations);
    expect((request.tools ?? []).map((tool) => tool.function.name)).toEqual(declarations.map((declaration: any) => declaration.name));
    for (const tool of request.tools ?? []) expect(JSON.stringify(tool.function.parameters)).not.toMatch(/"(OBJECT|NUMBER|STRING)"/);
    // Every tool call in the history has its result (OpenAI and Anthropic refuse one without).
    const answered = new Set(request.messages.flatMap((message) => (message.role === 'tool' ? [message.tool_call_id] : [])));
    for (const message of request.messages) if (message.role === 'assistant') for (const call of message.tool_calls ?? []) expect(answered.has(call.id)).toBe(true);
  });

  it('keeps an unanswered function call as text, and pairs answered ones by name', () => {
    const request = toChatRequest(
      generateContentRequestSchema.parse({
        contents: [
          { role: 'user', parts: [{ text: 'divide' }] },
          { role: 'model', parts: [{ functionCall: { name: 'customDivide', args: { numerator: 100, denominator: 2 } } }] },
          { role: 'user', parts: [{ text: 'and 50/2?' }] },
          { role: 'model', parts: [{ functionCall: { name: 'customDivide', args: { numerator: 50, denominator: 2 } } }] },
          { role: 'user', parts: [{ functionResponse: { name: 'customDivide', response: { result: 25 } } }] },
        ],
        generationConfig: { responseMimeType: 'application/json', responseSchema: { type: 'OBJECT', properties: { result: { type: 'NUMBER', nullable: true } } }, thinkingConfig: { thinkingBudget: 2048 } },
      }),
      'm',
      false,
    );
    expect(request.messages).toEqual([
      { role: 'user', content: [{ type: 'text', text: 'divide' }] },
      { role: 'assistant', content: '[called customDivide({"numerator":100,"denominator":2})]' },
      { role: 'user', content: [{ type: 'text', text: 'and 50/2?' }] },
      { role: 'assistant', content: null, tool_calls: [{ id: 'call_2_customDivide', type: 'function', function: { name: 'customDivide', arguments: '{"numerator":50,"denominator":2}' } }] },
      { role: 'tool', tool_call_id: 'call_2_customDivide', content: '{"result":25}' },
    ]);
    expect(request.response_format).toEqual({ type: 'json_schema', json_schema: { name: 'response', schema: { type: 'object', properties: { result: { type: ['number', 'null'] } } } } });
    expect(request.reasoning_effort).toBe('low');
  });
});
