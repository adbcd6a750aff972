/**
 * @module protocols/anthropic/request
 * An Anthropic Messages request → the canonical chat request (the OpenAI chat shape every
 * provider adapter takes). The choices made where the two differ:
 * - `system` becomes one leading system message; `metadata.user_id` becomes `user`.
 * - A user turn's `tool_result` blocks become `tool` messages, placed before the turn's other
 *   content (an image inside a tool result follows as a user message: tool messages hold text).
 * - Assistant `thinking` blocks are history only the model that wrote them can read: dropped when
 *   translating (an Anthropic upstream receives the client's own bytes, with them).
 * - `thinking.budget_tokens` and `output_config.effort` become `reasoning_effort`;
 *   `output_config.format` becomes `response_format: json_schema`; `tool_choice.any` is
 *   `required`; `disable_parallel_tool_use` is `parallel_tool_calls: false`; `top_k` has no
 *   counterpart and is dropped.
 */
import type { ChatCompletionRequest, ChatMessage, UserContentPart } from '../../schemas/openai-chat.js';
import type { ContentBlockParam, CountTokensRequest, MessageParam, MessagesRequest } from './schema.js';

type ToolResultBlock = Extract<ContentBlockParam, { type: 'tool_result' }>;
type ImageBlock = Extract<ContentBlockParam, { type: 'image' }>;

export function toChatRequest(request: MessagesRequest): ChatCompletionRequest {
  const chat: ChatCompletionRequest = { ...promptPart(request), max_tokens: request.max_tokens };
  if (request.stream) chat.stream = true;
  if (request.temperature !== undefined) chat.temperature = request.temperature;
  if (request.top_p !== undefined) chat.top_p = request.top_p;
  if (request.stop_sequences && request.stop_sequences.length > 0) chat.stop = request.stop_sequences;
  if (request.metadata?.user_id) chat.user = request.metadata.user_id;
  return chat;
}

/** The part of the request that is the prompt: what `count_tokens` counts, too. */
export function promptPart(request: CountTokensRequest): ChatCompletionRequest {
  const messages: ChatMessage[] = [];
  const system = systemText(request.system);
  if (system) messages.push({ role: 'system', content: system });
  for (const message of request.messages) messages.push(...convertMessage(message));
  const chat: ChatCompletionRequest = { model: request.model, messages };
  if (request.tools && request.tools.length > 0) {
    chat.tools = request.tools.map((tool) => ({
      type: 'function' as const,
      function: { name: tool.name, parameters: tool.input_schema, ...(tool.description ? { description: tool.description } : {}), ...(tool.strict ? { strict: true } : {}) },
    }));
    applyToolChoice(chat, request.tool_choice);
  }
  const effort = reasoningEffort(request);
  if (effort) chat.reasoning_effort = effort;
  const format = request.output_config?.format;
  if (format) chat.response_format = { type: 'json_schema', json_schema: { name: 'output', schema: format.schema, strict: true } };
  return chat;
}

function systemText(system: CountTokensRequest['system']): string {
  if (system === undefined) return '';
  return typeof system === 'string' ? system : system.map((block) => block.text).join('\n');
}

function convertMessage(message: MessageParam): ChatMessage[] {
  if (typeof message.content === 'string') return [{ role: message.role, content: message.content }];
  return message.role === 'user' ? userMessages(message.content) : [assistantMessage(message.content)];
}

function userMessages(blocks: ContentBlockParam[]): ChatMessage[] {
  const toolMessages: ChatMessage[] = [];
  const parts: UserContentPart[] = [];
  for (const block of blocks) {
    switch (block.type) {
      case 'text':
        parts.push({ type: 'text', text: block.text });
        break;
      case 'image':
        parts.push(imagePart(block));
        break;
      case 'document':
        parts.push(documentPart(block));
        break;
      case 'tool_result':
        toolMessages.push(toolMessage(block, parts));
        break;
      // A user turn holds no tool calls or thinking; the upstream would refuse them anyway.
      case 'tool_use':
      case 'thinking':
      case 'redacted_thinking':
        break;
      default: {
        const unknownBlock: never = block;
        throw new Error(`unknown content block ${JSON.stringify(unknownBlock)}`);
      }
    }
  }
  return parts.length > 0 ? [...toolMessages, { role: 'user', content: parts }] : toolMessages;
}

/** A tool result's text; its images go to the user content that follows the tool messages. */
function toolMessage(block: ToolResultBlock, followingParts: UserContentPart[]): ChatMessage {
  let text = '';
  if (typeof block.content === 'string') text = block.content;
  else {
    for (const part of block.content ?? []) {
      if (part.type === 'text') text += (text ? '\n' : '') + part.text;
      else followingParts.push(imagePart(part));
    }
  }
  if (block.is_error) text = `Error: ${text}`;
  return { role: 'tool', tool_call_id: block.tool_use_id, content: text };
}

function imagePart(block: ImageBlock): UserContentPart {
  const source = block.source;
  const url = source.type === 'base64' ? `data:${source.media_type};base64,${source.data}` : source.url;
  return { type: 'image_url', image_url: { url } };
}

function documentPart(block: Extract<ContentBlockParam, { type: 'document' }>): UserContentPart {
  const source = block.source;
  const title = block.title ? `${block.title}\n\n` : '';
  if (source.type === 'text') return { type: 'text', text: `${title}${source.data}` };
  if (source.type === 'base64') return { type: 'file', file: { file_data: `data:${source.media_type};base64,${source.data}`, filename: block.title ?? 'document' } };
  return { type: 'text', text: `${title}${source.url}` };
}

function assistantMessage(blocks: ContentBlockParam[]): ChatMessage {
  let text: string | null = null;
  const toolCalls: Array<{ id: string; type: 'function'; function: { name: string; arguments: string } }> = [];
  for (const block of blocks) {
    if (block.type === 'text') text = (text ?? '') + block.text;
    else if (block.type === 'tool_use') toolCalls.push({ id: block.id, type: 'function', function: { name: block.name, arguments: JSON.stringify(block.input) } });
  }
  return toolCalls.length > 0 ? { role: 'assistant', content: text, tool_calls: toolCalls } : { role: 'assistant', content: text ?? '' };
}

function applyToolChoice(chat: ChatCompletionRequest, choice: CountTokensRequest['tool_choice']): void {
  if (!choice) return;
  if ('disable_parallel_tool_use' in choice && choice.disable_parallel_tool_use) chat.parallel_tool_calls = false;
  switch (choice.type) {
    case 'auto':
      chat.tool_choice = 'auto';
      return;
    case 'any':
      chat.tool_choice = 'required';
      return;
    case 'tool':
      chat.tool_choice = { type: 'function', function: { name: choice.name } };
      return;
    case 'none':
      chat.tool_choice = 'none';
      return;
    default: {
      const unknownChoice: never = choice;
      throw new Error(`unknown tool choice ${JSON.stringify(unknownChoice)}`);
    }
  }
}

/** Anthropic's thinking budget or effort → OpenAI's effort words; nothing when thinking is not asked for. */
function reasoningEffort(request: CountTokensRequest): ChatCompletionRequest['reasoning_effort'] {
  const effort = request.output_config?.effort;
  if (effort) return effort === 'max' ? 'xhigh' : effort;
  const thinking = request.thinking;
  if (thinking?.type !== 'enabled') return undefined;
  if (thinking.budget_tokens < 4096) return 'low';
  return thinking.budget_tokens < 16_384 ? 'medium' : 'high';
}
