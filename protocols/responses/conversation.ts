/**
 * @module protocols/responses/conversation
 * A Response's output items → the chat messages a follow-up (`previous_response_id`) continues
 * from: message text as the assistant's content, function calls as its tool calls.
 */
import type { ChatMessage } from '../../schemas/openai-chat.js';

type ToolCall = NonNullable<Extract<ChatMessage, { role: 'assistant' }>['tool_calls']>[number];

interface OutputItemLike {
  type?: unknown;
  content?: unknown;
  call_id?: unknown;
  name?: unknown;
  arguments?: unknown;
}

export function conversationOf(output: unknown): ChatMessage[] {
  let text = '';
  const toolCalls: ToolCall[] = [];
  for (const item of Array.isArray(output) ? (output as OutputItemLike[]) : []) {
    if (item?.type === 'message' && Array.isArray(item.content)) {
      for (const part of item.content as Array<{ text?: unknown; refusal?: unknown }>) {
        if (typeof part?.text === 'string') text += part.text;
        else if (typeof part?.refusal === 'string') text += part.refusal;
      }
    } else if (item?.type === 'function_call' && typeof item.call_id === 'string' && typeof item.name === 'string') {
      toolCalls.push({ id: item.call_id, type: 'function', function: { name: item.name, arguments: typeof item.arguments === 'string' ? item.arguments : '' } });
    }
  }
  if (!text && toolCalls.length === 0) return [];
  return [toolCalls.length > 0 ? { role: 'assistant', content: text || null, tool_calls: toolCalls } : { role: 'assistant', content: text }];
}
