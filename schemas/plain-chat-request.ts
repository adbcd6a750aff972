/**
 * @module schemas/plain-chat-request
 * A scan that recognises the plain chat request most calls are — `model`, text messages, and a
 * few scalar options — and vouches for it without running the zod schema over every message.
 * Anything else (tools, content parts, an unknown field, a value out of range, a wrong type) is
 * not recognised, and the caller validates it with `chatCompletionRequestSchema` as before, which
 * also writes the error messages. So the scan may only accept what the schema accepts, unchanged:
 * `plain-chat-request.test.ts` holds it to that. Under load, zod's walk of the request was ~3.4% of
 * a chat call's CPU.
 */
import type { ChatCompletionRequest } from './openai-chat.js';
import { maxChoices, maxOutputTokensLimit } from './limits.js';

type Check = (value: unknown) => boolean;

const isNullish = (value: unknown) => value === null || value === undefined;
const boolean: Check = (value) => typeof value === 'boolean';
const nullish = (check: Check): Check => (value) => isNullish(value) || check(value);
const numberIn = (min: number, max: number): Check => (value) => typeof value === 'number' && value >= min && value <= max;
const integerIn = (min: number, max: number): Check => (value) => Number.isInteger(value) && (value as number) >= min && (value as number) <= max;
const string: Check = (value) => typeof value === 'string';
const streamOptions: Check = (value) => {
  if (typeof value !== 'object' || value === null || Array.isArray(value)) return false;
  for (const name in value) if (name !== 'include_usage' || !boolean((value as Record<string, unknown>)[name])) return false;
  return true;
};

/** The top-level fields the scan knows, each with what the schema requires of it. */
const scalarFields: Record<string, Check> = {
  stream: nullish(boolean),
  stream_options: nullish(streamOptions),
  max_tokens: nullish(integerIn(1, maxOutputTokensLimit)),
  max_completion_tokens: nullish(integerIn(1, maxOutputTokensLimit)),
  temperature: nullish(numberIn(0, 2)),
  top_p: nullish(numberIn(0, 1)),
  n: nullish(integerIn(1, maxChoices)),
  user: string,
  presence_penalty: nullish(numberIn(-2, 2)),
  frequency_penalty: nullish(numberIn(-2, 2)),
  logprobs: nullish(boolean),
  parallel_tool_calls: boolean,
};

/** Roles whose plain form is `{ role, content: string, name?: string }`. */
const textRoles = new Set(['system', 'developer', 'user', 'assistant']);

function plainMessage(message: unknown): boolean {
  if (typeof message !== 'object' || message === null || Array.isArray(message)) return false;
  const fields = message as Record<string, unknown>;
  if (typeof fields.role !== 'string' || !textRoles.has(fields.role) || typeof fields.content !== 'string') return false;
  for (const name in fields) {
    if (name === 'role' || name === 'content') continue;
    if (name !== 'name' || typeof fields.name !== 'string') return false;
  }
  return true;
}

/** The body itself, typed, when it is a plain chat request the schema is sure to accept; otherwise undefined. */
export function plainChatRequest(body: unknown): ChatCompletionRequest | undefined {
  if (typeof body !== 'object' || body === null || Array.isArray(body)) return undefined;
  const fields = body as Record<string, unknown>;
  if (typeof fields.model !== 'string' || fields.model.length === 0) return undefined;
  const messages = fields.messages;
  if (!Array.isArray(messages) || messages.length === 0) return undefined;
  for (const message of messages) if (!plainMessage(message)) return undefined;
  for (const name in fields) {
    if (name === 'model' || name === 'messages') continue;
    const check = Object.hasOwn(scalarFields, name) ? scalarFields[name] : undefined;
    if (!check || !check(fields[name])) return undefined;
  }
  return body as ChatCompletionRequest;
}
