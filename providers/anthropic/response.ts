/**
 * @module providers/anthropic/response
 * An Anthropic Message → an OpenAI `ChatCompletion`. Text blocks are joined into `content`;
 * `tool_use` blocks become `tool_calls`; thinking and server-tool blocks are not part of the
 * OpenAI message and are left out.
 */
import type { ChatCompletion, ToolCall } from '../../schemas/openai-chat.js';
import { toOpenAIUsage } from '../shared/openai-usage.js';
import type { ChatResult } from '../types.js';
import { mapFinishReason } from './finish-reason.js';
import { normalizeAnthropicUsage, type AnthropicUsage } from './usage.js';

/** A content block as Anthropic sends it: only the fields read here, all optional. */
export interface AnthropicContentBlock {
  type: string;
  text?: string | null;
  id?: string;
  name?: string;
  input?: unknown;
}

/** An Anthropic Message, leniently: a field a newer API version drops must not break the mapping. */
export interface AnthropicMessage {
  id: string;
  model: string;
  content?: AnthropicContentBlock[] | null;
  stop_reason?: string | null;
  usage?: AnthropicUsage | null;
}

export function toChatResult(message: AnthropicMessage): ChatResult {
  const usage = normalizeAnthropicUsage(message.usage);
  return { completion: toChatCompletion(message, toOpenAIUsage(usage)), usage };
}

export function toChatCompletion(message: AnthropicMessage, usage: ChatCompletion['usage']): ChatCompletion {
  let text: string | null = null;
  const toolCalls: ToolCall[] = [];
  for (const block of message.content ?? []) {
    if (block.type === 'text' && typeof block.text === 'string') text = (text ?? '') + block.text;
    else if (block.type === 'tool_use') toolCalls.push(toToolCall(block));
  }
  const completion: ChatCompletion = {
    id: message.id,
    object: 'chat.completion',
    created: Math.floor(Date.now() / 1000),
    model: message.model,
    choices: [
      {
        index: 0,
        message: { role: 'assistant', content: text, refusal: null, ...(toolCalls.length > 0 ? { tool_calls: toolCalls } : {}) },
        finish_reason: mapFinishReason(message.stop_reason),
        logprobs: null,
      },
    ],
  };
  if (usage) completion.usage = usage;
  return completion;
}

function toToolCall(block: AnthropicContentBlock): ToolCall {
  return {
    id: block.id ?? '',
    type: 'function',
    function: { name: block.name ?? '', arguments: JSON.stringify(block.input ?? {}) },
  };
}
