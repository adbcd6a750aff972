import { describe, expect, it } from 'vitest';
import { toChatRequest } from './request.js';
import { responsesRequestSchema } from './schema.js';

const parse = (body: unknown) => responsesRequestSchema.parse(body);

describe('toChatRequest', () => {
  it('maps instructions, history, items, tools, format and reasoning', () => {
    const request = toChatRequest(
      parse({
        model: 'm',
        instructions: 'Be brief.',
        input: [
          { role: 'user', content: [{ type: 'input_text', text: 'Look:' }, { type: 'input_image', image_url: 'https://x.test/a.png', detail: 'low' }] },
          { type: 'message', role: 'assistant', content: [{ type: 'output_text', text: 'Checking.' }] },
          { type: 'function_call', call_id: 'c1', name: 'f', arguments: '{"a":1}' },
          { type: 'function_call', call_id: 'c2', name: 'g', arguments: '{}' },
          { type: 'reasoning', id: 'rs_1', summary: [] },
          { type: 'function_call_output', call_id: 'c1', output: 'one' },
          { type: 'function_call_output', call_id: 'c2', output: [{ type: 'input_text', text: 'two' }] },
        ],
        tools: [{ type: 'function', name: 'f', parameters: { type: 'object' }, strict: true }, { type: 'function', name: 'g' }],
        tool_choice: { type: 'function', name: 'f' },
        text: { format: { type: 'json_schema', name: 'out', schema: { type: 'object' }, strict: true } },
        reasoning: { effort: 'high' },
        max_output_tokens: 300,
        parallel_tool_calls: false,
      }),
      [{ role: 'user', content: 'earlier' }],
    );
    expect(request).toEqual({
      model: 'm',
      max_completion_tokens: 300,
      parallel_tool_calls: false,
      reasoning_effort: 'high',
      messages: [
        { role: 'system', content: 'Be brief.' },
        { role: 'user', content: 'earlier' },
        { role: 'user', content: [{ type: 'text', text: 'Look:' }, { type: 'image_url', image_url: { url: 'https://x.test/a.png', detail: 'low' } }] },
        {
          role: 'assistant',
          content: 'Checking.',
          tool_calls: [
            { id: 'c1', type: 'function', function: { name: 'f', arguments: '{"a":1}' } },
            { id: 'c2', type: 'function', function: { name: 'g', arguments: '{}' } },
          ],
        },
        { role: 'tool', tool_call_id: 'c1', content: 'one' },
        { role: 'tool', tool_call_id: 'c2', content: 'two' },
      ],
      tools: [
        { type: 'function', function: { name: 'f', parameters: { type: 'object' }, strict: true } },
        { type: 'function', function: { name: 'g' } },
      ],
      tool_choice: { type: 'function', function: { name: 'f' } },
      response_format: { type: 'json_schema', json_schema: { name: 'out', schema: { type: 'object' }, strict: true } },
    });
  });

  it('refuses what cannot be translated, and bounds numbers', () => {
    expect(() => toChatRequest(parse({ model: 'm', input: 'x', tools: [{ type: 'file_search', vector_store_ids: ['v'] }] }))).toThrow(/only with an OpenAI model/);
    expect(() => toChatRequest(parse({ model: 'm', input: [{ role: 'user', content: [{ type: 'input_image', file_id: 'file-1' }] }] }))).toThrow(/file_id/);
    expect(() => toChatRequest(parse({ model: 'm' }))).toThrow(/input/);
    expect(responsesRequestSchema.safeParse({ model: 'm', input: 'x', max_output_tokens: 1e15 }).success).toBe(false);
    expect(responsesRequestSchema.safeParse({ model: 'm', input: 'x', top_p: 2 }).success).toBe(false);
  });
});
