/**
 * @module providers/openai/responses-native
 * OpenAI Responses in, OpenAI Responses out: when the client itself spoke the Responses API
 * (`CallContext.native`) and the upstream is OpenAI, the upstream receives the client's bytes
 * with only `model` changed and its answer goes back as it came (built-in tools, reasoning items
 * and all). Usage is read on the way for metering: from the JSON answer, or from the stream's
 * `response.completed` (or `.incomplete`/`.failed`) event.
 */
import type { ChatCompletion } from '../../schemas/openai-chat.js';
import { GatewayError } from '../../src/errors/gateway-error.js';
import { fromOpenAIUsage } from '../shared/openai-usage.js';
import { SseDecoder, type SseEvent } from '../shared/sse-decoder.js';
import type { ChatResult, ChatStreamPart, NormalizedUsage } from '../types.js';
import { openAIHttpError } from './errors.js';

interface ResponsesUsage {
  input_tokens?: number | null;
  input_tokens_details?: { cached_tokens?: number | null } | null;
  output_tokens?: number | null;
  output_tokens_details?: { reasoning_tokens?: number | null } | null;
}

interface ResponseLike {
  id?: string;
  model?: string;
  output?: Array<{ type?: string; content?: Array<{ type?: string; text?: string }>; call_id?: string; name?: string; arguments?: string }>;
  usage?: ResponsesUsage | null;
}

export function normalizeResponsesUsage(usage: ResponsesUsage): NormalizedUsage {
  return fromOpenAIUsage({
    prompt_tokens: usage.input_tokens ?? 0,
    completion_tokens: usage.output_tokens ?? 0,
    prompt_tokens_details: { cached_tokens: usage.input_tokens_details?.cached_tokens ?? 0 },
    completion_tokens_details: { reasoning_tokens: usage.output_tokens_details?.reasoning_tokens ?? 0 },
  });
}

/** A whole Responses answer → a chat result carrying the upstream's own body. */
export function nativeResponsesResult(provider: string, text: string): ChatResult {
  let response: ResponseLike;
  try {
    response = JSON.parse(text) as ResponseLike;
  } catch {
    throw new GatewayError(502, `${provider} answered with a body that is not JSON`, { type: 'upstream_error', code: 'upstream_invalid_response' });
  }
  return { completion: asCompletion(response), native: text, usage: response.usage ? normalizeResponsesUsage(response.usage) : null };
}

/** The answer's text and calls in chat shape, only for counting tokens when no usage came. */
function asCompletion(response: ResponseLike): ChatCompletion {
  let content = '';
  const toolCalls = [];
  for (const item of response.output ?? []) {
    if (item.type === 'message') for (const part of item.content ?? []) content += part.text ?? '';
    if (item.type === 'function_call') toolCalls.push({ id: item.call_id ?? '', type: 'function' as const, function: { name: item.name ?? '', arguments: item.arguments ?? '' } });
  }
  return {
    id: response.id ?? '',
    object: 'chat.completion',
    created: Math.floor(Date.now() / 1000),
    model: response.model ?? '',
    choices: [{ index: 0, message: { role: 'assistant', content, refusal: null, ...(toolCalls.length ? { tool_calls: toolCalls } : {}) }, finish_reason: 'stop', logprobs: null }],
  };
}

/** The upstream's SSE body → native parts as they arrive, then the usage; an `error` event is thrown. */
export async function* nativeResponsesStream(provider: string, body: AsyncIterable<Uint8Array>): AsyncGenerator<ChatStreamPart> {
  const decoder = new SseDecoder();
  let usage: NormalizedUsage | undefined;
  let finished = false;
  const see = (frame: SseEvent): ChatStreamPart => {
    if (frame.event === 'error') throw openAIHttpError(provider, 502, frame.data, null);
    if (frame.event === 'response.completed' || frame.event === 'response.incomplete' || frame.event === 'response.failed') {
      finished = true;
      const reported = parse(frame.data)?.response?.usage;
      if (reported) usage = normalizeResponsesUsage(reported);
    }
    return { type: 'native', event: frame.event, data: frame.data };
  };
  for await (const bytes of body) for (const frame of decoder.push(bytes)) yield see(frame);
  for (const frame of decoder.end()) yield see(frame);
  if (!finished) throw new GatewayError(502, `${provider}: the stream ended before the response was complete`, { type: 'upstream_error', code: 'upstream_stream_incomplete' });
  if (usage) yield { type: 'usage', usage };
}

function parse(data: string): { response?: ResponseLike } | undefined {
  try {
    return JSON.parse(data) as { response?: ResponseLike };
  } catch {
    return undefined;
  }
}
