/**
 * @module protocols/responses/request
 * An OpenAI Responses request → the canonical chat request. `instructions` is the system message
 * (not carried over from a previous response, as at OpenAI); the stored conversation of
 * `previous_response_id` comes before the new input; `function_call` items join the assistant
 * turn as tool calls and `function_call_output` items become tool messages; reasoning items are
 * history only the model that wrote them can read, and are dropped. `text.format` becomes
 * `response_format`, `reasoning.effort` `reasoning_effort`, `max_output_tokens`
 * `max_completion_tokens`. Built-in tools (web search, file search...) exist only at OpenAI and
 * are refused when translating.
 */
import type { ChatCompletionRequest, ChatMessage, UserContentPart } from '../../schemas/openai-chat.js';
import { badRequest } from '../../src/errors/gateway-error.js';
import type { ResponsesContentPart, ResponsesInputItem, ResponsesRequest } from './schema.js';

type AssistantMessage = Extract<ChatMessage, { role: 'assistant' }>;

export function toChatRequest(request: ResponsesRequest, history: ChatMessage[] = []): ChatCompletionRequest {
  const messages: ChatMessage[] = [];
  if (request.instructions) messages.push({ role: 'system', content: request.instructions });
  messages.push(...history, ...inputMessages(request.input));
  if (messages.length === 0) throw badRequest('`input` is required: give the text or items to answer.', 'input');
  const chat: ChatCompletionRequest = { model: request.model, messages };
  if (request.stream) chat.stream = true;
  if (request.max_output_tokens != null) chat.max_completion_tokens = request.max_output_tokens;
  if (request.temperature != null) chat.temperature = request.temperature;
  if (request.top_p != null) chat.top_p = request.top_p;
  if (request.user) chat.user = request.user;
  if (request.parallel_tool_calls != null) chat.parallel_tool_calls = request.parallel_tool_calls;
  if (request.reasoning?.effort) chat.reasoning_effort = request.reasoning.effort;
  applyTools(chat, request);
  applyFormat(chat, request.text?.format);
  return chat;
}

/** The input as chat messages: what a stored response keeps as its conversation, too. */
export function inputMessages(input: ResponsesRequest['input']): ChatMessage[] {
  if (input === undefined) return [];
  if (typeof input === 'string') return [{ role: 'user', content: input }];
  const messages: ChatMessage[] = [];
  input.forEach((item, index) => appendItem(messages, item, `input[${index}]`));
  return messages;
}

function appendItem(messages: ChatMessage[], item: ResponsesInputItem, param: string): void {
  if (!('type' in item) || item.type === undefined || item.type === 'message') {
    const message = item as Extract<ResponsesInputItem, { role: string }>;
    messages.push(convertMessage(message.role, message.content, param));
    return;
  }
  switch (item.type) {
    case 'function_call': {
      const call = { id: item.call_id, type: 'function' as const, function: { name: item.name, arguments: item.arguments } };
      const last = messages[messages.length - 1];
      if (last?.role === 'assistant') (last as AssistantMessage).tool_calls = [...((last as AssistantMessage).tool_calls ?? []), call];
      else messages.push({ role: 'assistant', content: null, tool_calls: [call] });
      return;
    }
    case 'function_call_output':
      messages.push({ role: 'tool', tool_call_id: item.call_id, content: typeof item.output === 'string' ? item.output : partsText(item.output) });
      return;
    case 'reasoning':
      return;
    default:
      throw badRequest(`${param} has an unknown type`, `${param}.type`);
  }
}

function convertMessage(role: 'user' | 'assistant' | 'system' | 'developer', content: string | ResponsesContentPart[], param: string): ChatMessage {
  if (role === 'assistant') return { role, content: typeof content === 'string' ? content : partsText(content) };
  if (role === 'system' || role === 'developer') return { role, content: typeof content === 'string' ? content : partsText(content) };
  if (typeof content === 'string') return { role, content };
  return { role, content: content.map((part, index) => userPart(part, `${param}.content[${index}]`)) };
}

function userPart(part: ResponsesContentPart, param: string): UserContentPart {
  switch (part.type) {
    case 'input_text':
    case 'output_text':
      return { type: 'text', text: part.text };
    case 'refusal':
      return { type: 'text', text: part.refusal };
    case 'input_image':
      if (!part.image_url) throw badRequest(`${param}: images by \`file_id\` need OpenAI's file store; send \`image_url\` (an http(s) or data URL)`, param, 'unsupported_parameter');
      return { type: 'image_url', image_url: { url: part.image_url, ...(part.detail ? { detail: part.detail } : {}) } };
    case 'input_file':
      return { type: 'file', file: { ...(part.file_data ? { file_data: part.file_data } : {}), ...(part.file_id ? { file_id: part.file_id } : {}), ...(part.filename ? { filename: part.filename } : {}) } };
    default: {
      const unknownPart: never = part;
      throw badRequest(`${param} has an unknown type`, param, String(unknownPart));
    }
  }
}

function partsText(parts: ResponsesContentPart[]): string {
  return parts.map((part) => ('text' in part ? part.text : 'refusal' in part ? part.refusal : '')).join('');
}

function applyTools(chat: ChatCompletionRequest, request: ResponsesRequest): void {
  if (!request.tools || request.tools.length === 0) return;
  chat.tools = request.tools.map((tool, index) => {
    if (tool.type !== 'function' || typeof tool.name !== 'string') {
      throw badRequest(`tools[${index}]: the built-in tool \`${tool.type}\` is available only with an OpenAI model`, `tools[${index}].type`, 'unsupported_parameter');
    }
    const { name, description, parameters, strict } = tool as { name: string; description?: string | null; parameters?: Record<string, unknown> | null; strict?: boolean | null };
    return { type: 'function' as const, function: { name, ...(description ? { description } : {}), ...(parameters ? { parameters } : {}), ...(strict != null ? { strict } : {}) } };
  });
  const choice = request.tool_choice;
  if (choice === undefined) return;
  if (typeof choice === 'string') chat.tool_choice = choice;
  else if (choice.type === 'function' && typeof choice.name === 'string') chat.tool_choice = { type: 'function', function: { name: choice.name } };
  else throw badRequest(`tool_choice \`${choice.type}\` is available only with an OpenAI model`, 'tool_choice', 'unsupported_parameter');
}

function applyFormat(chat: ChatCompletionRequest, format: NonNullable<ResponsesRequest['text']>['format']): void {
  if (!format || format.type === 'text') return;
  if (format.type === 'json_object') chat.response_format = { type: 'json_object' };
  else chat.response_format = { type: 'json_schema', json_schema: { name: format.name, schema: format.schema, ...(format.description ? { description: format.description } : {}), ...(format.strict != null ? { strict: format.strict } : {}) } };
}
