import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { conformancePath } from '../../test/helpers/conformance.js';
import { messagesRequestSchema } from './schema.js';
import { toChatRequest } from './request.js';

const recorded = JSON.parse(readFileSync(conformancePath('anthropic', 'ToolRunner.json'), 'utf8')) as Array<{ body: any }>;

describe('toChatRequest', () => {
  it('maps every recorded ToolRunner request: tools, tool_use history, tool_result turns', () => {
    for (const { body } of recorded) {
      const request = toChatRequest(messagesRequestSchema.parse(body));
      expect(request.model).toBe(body.model);
      expect(request.max_tokens).toBe(body.max_tokens);
      expect((request.tools ?? []).map((tool) => tool.function.name)).toEqual((body.tools ?? []).map((tool: any) => tool.name));
      const toolUses = body.messages.flatMap((message: any) => (Array.isArray(message.content) ? message.content : [])).filter((block: any) => block.type === 'tool_use');
      const toolResults = body.messages.flatMap((message: any) => (Array.isArray(message.content) ? message.content : [])).filter((block: any) => block.type === 'tool_result');
      const calls = request.messages.flatMap((message) => (message.role === 'assistant' ? (message.tool_calls ?? []) : []));
      expect(calls.map((call) => [call.id, JSON.parse(call.function.arguments)])).toEqual(toolUses.map((block: any) => [block.id, block.input]));
      expect(request.messages.filter((message) => message.role === 'tool').map((message: any) => message.tool_call_id)).toEqual(toolResults.map((block: any) => block.tool_use_id));
    }
  });

  it('maps thinking, tool choice, output format and metadata', () => {
    const request = toChatRequest(
      messagesRequestSchema.parse({
        model: 'm',
        max_tokens: 9000,
        system: [{ type: 'text', text: 'A' }, { type: 'text', text: 'B' }],
        thinking: { type: 'enabled', budget_tokens: 8000 },
        tool_choice: { type: 'tool', name: 'f', disable_parallel_tool_use: true },
        tools: [{ name: 'f', input_schema: { type: 'object' } }],
        output_config: { format: { type: 'json_schema', schema: { type: 'object' } } },
        metadata: { user_id: 'u' },
        top_k: 3,
        messages: [
          { role: 'user', content: [{ type: 'tool_result', tool_use_id: 't1', is_error: true, content: [{ type: 'text', text: 'boom' }, { type: 'image', source: { type: 'url', url: 'https://x.test/a.png' } }] }] },
          { role: 'assistant', content: [{ type: 'thinking', thinking: 'hmm', signature: 's' }, { type: 'text', text: 'ok' }] },
        ],
      }),
    );
    expect(request).toEqual({
      model: 'm',
      max_tokens: 9000,
      user: 'u',
      reasoning_effort: 'medium',
      tools: [{ type: 'function', function: { name: 'f', parameters: { type: 'object' } } }],
      tool_choice: { type: 'function', function: { name: 'f' } },
      parallel_tool_calls: false,
      response_format: { type: 'json_schema', json_schema: { name: 'output', schema: { type: 'object' }, strict: true } },
      messages: [
        { role: 'system', content: 'A\nB' },
        { role: 'tool', tool_call_id: 't1', content: 'Error: boom' },
        { role: 'user', content: [{ type: 'image_url', image_url: { url: 'https://x.test/a.png' } }] },
        { role: 'assistant', content: 'ok' },
      ],
    });
  });

  it('refuses unbounded numbers and unknown block types', () => {
    const base = { model: 'm', max_tokens: 5, messages: [{ role: 'user', content: 'x' }] };
    expect(messagesRequestSchema.safeParse({ ...base, max_tokens: 1e12 }).success).toBe(false);
    expect(messagesRequestSchema.safeParse({ ...base, temperature: 5 }).success).toBe(false);
    expect(messagesRequestSchema.safeParse({ ...base, thinking: { type: 'enabled', budget_tokens: 1.5 } }).success).toBe(false);
    expect(messagesRequestSchema.safeParse({ ...base, messages: [{ role: 'user', content: [{ type: 'video' }] }] }).success).toBe(false);
  });
});
