/**
 * @module providers/mock/answer
 * Decides, deterministically, what the mock model answers to a request: the same request always
 * gets the same text, tool calls and token counts. Rules, in order:
 * 1. tools offered, `tool_choice` not `none`, and the conversation does not end with tool results:
 *    call the named tool, else every tool whose name appears in the last user message (its first
 *    64 KB, in parallel), else the first tool; arguments are sampled from each tool's parameter
 *    schema (at most 10,000 values in all, see `sample-json.ts`);
 * 2. `response_format` json_schema: a JSON value sampled from the schema; json_object: an object;
 * 3. model `echo`: the last user message, verbatim; after tool results, a sentence quoting them;
 * 4. any other model: `completionTokens` words chosen by a hash of the conversation.
 * `stop` cuts the text before the first stop sequence; `max_tokens` cuts it to that many words
 * (finish reason `length`).
 */
import type { MockProviderConfig } from '../../schemas/config.js';
import type { ChatCompletionRequest, ChatMessage, FinishReason, ToolCall } from '../../schemas/openai-chat.js';
import type { NormalizedUsage } from '../types.js';
import { newSampleBudget, sampleFromSchema } from './sample-json.js';

export interface MockAnswer {
  content: string | null;
  toolCalls: ToolCall[];
  finishReason: FinishReason;
  usage: NormalizedUsage;
}

const mentionSearchLength = 65_536;

const vocabulary = (
  'the gateway meters every token and cent while requests flow through quickly to many model ' +
  'providers with quotas ledgers prompts streams tools images and careful errors for each tenant'
).split(' ');

export function answerFor(request: ChatCompletionRequest, upstreamModel: string, config: MockProviderConfig): MockAnswer {
  const toolCalls = chooseToolCalls(request);
  let content: string | null = null;
  let finishReason: FinishReason = 'stop';
  if (toolCalls.length > 0) {
    finishReason = 'tool_calls';
  } else {
    const generated = limitText(generateText(request, upstreamModel, config), request);
    content = generated.text;
    finishReason = generated.finishReason;
  }
  const outputWords = content ? countWords(content) : toolCalls.reduce((sum, call) => sum + countWords(call.function.arguments), 0);
  return {
    content,
    toolCalls,
    finishReason,
    usage: {
      inputTokens: config.promptTokens ?? estimatePromptTokens(request.messages),
      cachedInputTokens: 0,
      cacheWriteTokens: 0,
      outputTokens: Math.max(1, outputWords),
      reasoningTokens: 0,
    },
  };
}

function chooseToolCalls(request: ChatCompletionRequest): ToolCall[] {
  const tools = request.tools ?? [];
  const choice = request.tool_choice ?? 'auto';
  if (tools.length === 0 || choice === 'none') return [];
  if (request.messages[request.messages.length - 1].role === 'tool') return [];
  let chosen = tools;
  if (typeof choice === 'object') {
    chosen = tools.filter((tool) => tool.function.name === choice.function.name);
  } else {
    // Only the message's start is searched: 128 tool names over a 20 MB message would take seconds.
    const lastUser = textOf(lastMessageOfRole(request.messages, 'user')).slice(0, mentionSearchLength);
    const mentioned = tools.filter((tool) => lastUser.includes(tool.function.name));
    chosen = mentioned.length > 0 ? mentioned : tools.slice(0, 1);
    if (request.parallel_tool_calls === false) chosen = chosen.slice(0, 1);
  }
  const seed = hash(JSON.stringify(request.messages));
  const budget = newSampleBudget();
  return chosen.map((tool, index) => ({
    id: `call_mock_${(seed + index).toString(36)}`,
    type: 'function' as const,
    function: { name: tool.function.name, arguments: JSON.stringify(sampleFromSchema(tool.function.parameters ?? {}, budget) ?? {}) },
  }));
}

function generateText(request: ChatCompletionRequest, upstreamModel: string, config: MockProviderConfig): string {
  const format = request.response_format;
  if (format?.type === 'json_schema') return JSON.stringify(sampleFromSchema(format.json_schema.schema ?? {}));
  const last = request.messages[request.messages.length - 1];
  if (last.role === 'tool') {
    const results = request.messages.filter((message) => message.role === 'tool').map(textOf);
    return `The tools returned: ${results.join('; ')}`;
  }
  const lastUserText = textOf(lastMessageOfRole(request.messages, 'user'));
  if (format?.type === 'json_object') return JSON.stringify({ answer: lastUserText });
  if (upstreamModel === 'echo') return lastUserText || '(empty message)';
  let state = hash(`${upstreamModel}\u0000${JSON.stringify(request.messages)}`);
  const words: string[] = [];
  for (let index = 0; index < config.completionTokens; index++) {
    state = (Math.imul(state, 1_103_515_245) + 12_345) >>> 0;
    words.push(vocabulary[state % vocabulary.length]);
  }
  return words.join(' ') + '.';
}

function limitText(text: string, request: ChatCompletionRequest): { text: string; finishReason: FinishReason } {
  let result = text;
  const stops = typeof request.stop === 'string' ? [request.stop] : (request.stop ?? []);
  for (const stop of stops) {
    const at = stop ? result.indexOf(stop) : -1;
    if (at !== -1) result = result.slice(0, at);
  }
  const maxTokens = request.max_completion_tokens ?? request.max_tokens;
  if (maxTokens && countWords(result) > maxTokens) {
    return { text: result.split(/(?<=\s)/).slice(0, maxTokens).join('').trimEnd(), finishReason: 'length' };
  }
  return { text: result, finishReason: 'stop' };
}

function lastMessageOfRole(messages: ChatMessage[], role: ChatMessage['role']): ChatMessage | undefined {
  for (let index = messages.length - 1; index >= 0; index--) {
    if (messages[index].role === role) return messages[index];
  }
  return undefined;
}

export function textOf(message: ChatMessage | undefined): string {
  const content = message?.content;
  if (typeof content === 'string') return content;
  if (!Array.isArray(content)) return '';
  return content.map((part) => ('text' in part && typeof part.text === 'string' ? part.text : '')).join('');
}

/** About four characters a token, the usual rule of thumb for English text. */
function estimatePromptTokens(messages: ChatMessage[]): number {
  let characters = 0;
  for (const message of messages) characters += textOf(message).length + 4;
  return Math.max(1, Math.ceil(characters / 4));
}

function countWords(text: string): number {
  const trimmed = text.trim();
  return trimmed ? trimmed.split(/\s+/).length : 0;
}

/** FNV-1a: a stable 32-bit hash, so answers never depend on the process or the clock. */
function hash(text: string): number {
  let value = 0x811c9dc5;
  for (let index = 0; index < text.length; index++) {
    value ^= text.charCodeAt(index);
    value = Math.imul(value, 0x01000193) >>> 0;
  }
  return value;
}
