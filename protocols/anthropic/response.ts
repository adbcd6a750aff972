/**
 * @module protocols/anthropic/response
 * A canonical chat answer → an Anthropic Message: text (and, where an OpenAI-compatible upstream
 * streamed reasoning text, a `thinking` block before it), tool calls as `tool_use` blocks, the
 * finish reason as `stop_reason`, and usage in Anthropic's buckets — `input_tokens` without the
 * cache reads and writes, which have their own fields, so each token is counted once.
 */
import type { ChatCompletion, FinishReason } from '../../schemas/openai-chat.js';
import type { NormalizedUsage } from '../../providers/types.js';

export type StopReason = 'end_turn' | 'max_tokens' | 'stop_sequence' | 'tool_use' | 'refusal';

export interface AnthropicUsageOut {
  input_tokens: number;
  cache_creation_input_tokens: number;
  cache_read_input_tokens: number;
  output_tokens: number;
}

export type AnthropicBlockOut =
  | { type: 'text'; text: string }
  | { type: 'thinking'; thinking: string; signature: string }
  | { type: 'tool_use'; id: string; name: string; input: unknown };

export function toAnthropicUsage(usage: NormalizedUsage): AnthropicUsageOut {
  return {
    input_tokens: usage.inputTokens,
    cache_creation_input_tokens: usage.cacheWriteTokens,
    cache_read_input_tokens: usage.cachedInputTokens,
    output_tokens: usage.outputTokens + usage.reasoningTokens,
  };
}

export function toStopReason(finishReason: FinishReason | null | undefined): StopReason {
  switch (finishReason) {
    case 'length':
      return 'max_tokens';
    case 'tool_calls':
    case 'function_call':
      return 'tool_use';
    case 'content_filter':
      return 'refusal';
    case 'stop':
    case null:
    case undefined:
      return 'end_turn';
    default: {
      const unknownReason: never = finishReason;
      return unknownReason;
    }
  }
}

/** Tool arguments arrive as JSON text; Anthropic's `input` is the object (text that does not parse is kept under `_raw`). */
export function parseToolInput(text: string): unknown {
  if (text.trim() === '') return {};
  try {
    const input: unknown = JSON.parse(text);
    return input !== null && typeof input === 'object' && !Array.isArray(input) ? input : { _raw: text };
  } catch {
    return { _raw: text };
  }
}

export function toAnthropicMessage(completion: ChatCompletion, usage: NormalizedUsage, publicModel: string) {
  const choice = completion.choices[0];
  const message = choice?.message;
  const content: AnthropicBlockOut[] = [];
  const reasoning = (message as { reasoning_content?: unknown } | undefined)?.reasoning_content;
  if (typeof reasoning === 'string' && reasoning) content.push({ type: 'thinking', thinking: reasoning, signature: '' });
  const text = message?.content ?? message?.refusal;
  if (text) content.push({ type: 'text', text });
  for (const call of message?.tool_calls ?? []) {
    content.push({ type: 'tool_use', id: call.id, name: call.function.name, input: parseToolInput(call.function.arguments) });
  }
  return {
    id: messageId(completion.id),
    type: 'message' as const,
    role: 'assistant' as const,
    model: completion.model || publicModel,
    content,
    stop_reason: toStopReason(choice?.finish_reason),
    stop_sequence: null,
    usage: toAnthropicUsage(usage),
  };
}

/** Anthropic's ids start with `msg_`; an upstream's own id is kept behind the prefix. */
export function messageId(upstreamId: string | undefined): string {
  if (upstreamId?.startsWith('msg_')) return upstreamId;
  return `msg_${(upstreamId ?? '').replace(/[^A-Za-z0-9_-]/g, '') || Date.now().toString(36)}`;
}
