/**
 * @module protocols/completions/request
 * A legacy completions request → the canonical chat request: the prompt is the one user message
 * and the model continues it. One prompt per request (an array holds exactly one); `logprobs`,
 * `suffix` and `best_of > 1` have no chat counterpart and are refused by the schema.
 */
import type { ChatCompletionRequest } from '../../schemas/openai-chat.js';
import type { CompletionsRequest } from './schema.js';

/** Completions' documented default, which a chat request would not apply by itself. */
const defaultMaxTokens = 16;

export function promptText(request: CompletionsRequest): string {
  return typeof request.prompt === 'string' ? request.prompt : request.prompt[0];
}

export function toChatRequest(request: CompletionsRequest): ChatCompletionRequest {
  const chat: ChatCompletionRequest = {
    model: request.model,
    messages: [{ role: 'user', content: promptText(request) }],
    max_tokens: request.max_tokens ?? defaultMaxTokens,
  };
  if (request.stream) chat.stream = true;
  for (const field of ['temperature', 'top_p', 'n', 'stop', 'seed', 'presence_penalty', 'frequency_penalty', 'user'] as const) {
    if (request[field] != null) (chat as Record<string, unknown>)[field] = request[field];
  }
  return chat;
}
