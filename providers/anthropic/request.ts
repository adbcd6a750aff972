/**
 * @module providers/anthropic/request
 * An OpenAI chat request → an Anthropic Messages request (without `stream`, which the adapter sets).
 *
 * Where the two APIs differ, the choices made here:
 * - Leading system/developer messages become the top-level `system` blocks. A later one (OpenAI
 *   allows them anywhere) becomes a text block in a user turn, wrapped in `<system_instruction>`
 *   tags, at the position it had. Anthropic's native mid-conversation `role: "system"` messages
 *   exist only on some models and with strict placement rules, so they are not used.
 * - Anthropic wants alternating user/assistant turns: consecutive same-role messages are merged,
 *   and every tool result after one assistant turn goes into one user turn as `tool_result` blocks.
 * - `temperature` and `top_p`: API version 2026-10-21, which the adapter sends (as `@anthropic-ai/sdk`
 *   1.x did), removed them — a request carrying either (even at its default) is a 400 ("Extra
 *   inputs are not permitted"). Since nearly every OpenAI client sends a temperature, they are dropped rather than
 *   refused. An operator who pins `anthropic-version: 2023-06-01` in the provider's `headers` gets
 *   them forwarded, `temperature` clamped to Anthropic's 0–1 (OpenAI allows up to 2) so that the
 *   values clients commonly send (0–1) keep their meaning.
 * - `response_format: json_schema` uses Anthropic's native structured outputs
 *   (`output_config.format`); `json_object`, which has no schema, adds a system instruction.
 * - `reasoning_effort` becomes `output_config.effort` (`minimal` → `low`, `none` → not sent).
 * - `seed`, `presence_penalty`, `frequency_penalty` and `stream_options` have no Anthropic
 *   counterpart and are ignored; `n > 1`, `logprobs`, audio and file inputs are refused with a 400.
 * @see https://docs.anthropic.com/en/api/messages
 */
import type {
  Base64ImageSource,
  ContentBlockParam,
  ImageBlockParam,
  MessageCreateParamsBase,
  MessageParam,
  TextBlockParam,
  ToolResultBlockParam,
  ToolUseBlockParam,
} from '@anthropic-ai/sdk/resources/messages';
import { maxJsonDepthCeiling } from '../../schemas/limits.js';
import type { ChatCompletionRequest, ChatMessage, UserContentPart } from '../../schemas/openai-chat.js';
import { badRequest, unsupported } from '../../src/errors/gateway-error.js';
import { parseBoundedJson } from '../shared/json-structure.js';
import { buildOutputConfig, convertResponseFormat, convertTool, convertToolChoice } from './tools-and-output.js';

export interface AnthropicRequestOptions {
  /** The provider's configured name, for error messages. */
  provider: string;
  /** The upstream model id. */
  model: string;
  /** Anthropic requires `max_tokens`; used when the client sends none. */
  defaultMaxTokens: number;
  /** Forward `temperature`/`top_p`: only for API version 2023-06-01, which still accepts them. */
  samplingParameters?: boolean;
}

/** The SDK's type no longer has the sampling parameters; the legacy API version still takes them. */
export type AnthropicRequest = MessageCreateParamsBase & { temperature?: number; top_p?: number };

/** True when the configured headers pin the API version that still accepts sampling parameters. */
export function acceptsSamplingParameters(headers: Record<string, string>): boolean {
  for (const [name, value] of Object.entries(headers)) {
    if (name.toLowerCase() === 'anthropic-version') return value.trim() === '2023-06-01';
  }
  return false;
}

export function toAnthropicRequest(request: ChatCompletionRequest, options: AnthropicRequestOptions): AnthropicRequest {
  rejectUnsupported(request, options.provider);
  const { system, messages } = convertMessages(request.messages, options.provider);
  const format = convertResponseFormat(request.response_format);
  if (format.instruction) system.push({ type: 'text', text: format.instruction });
  const outputConfig = buildOutputConfig(format.schema, request.reasoning_effort);
  const body: AnthropicRequest = {
    model: options.model,
    max_tokens: request.max_completion_tokens ?? request.max_tokens ?? options.defaultMaxTokens,
    messages,
  };
  if (system.length > 0) body.system = system;
  if (options.samplingParameters) {
    if (request.temperature != null) body.temperature = Math.min(request.temperature, 1);
    if (request.top_p != null) body.top_p = request.top_p;
  }
  const stop = stopSequences(request.stop);
  if (stop) body.stop_sequences = stop;
  if (request.user) body.metadata = { user_id: request.user };
  if (request.tools && request.tools.length > 0) {
    body.tools = request.tools.map(convertTool);
    const toolChoice = convertToolChoice(request.tool_choice, request.parallel_tool_calls);
    if (toolChoice) body.tool_choice = toolChoice;
  }
  if (outputConfig) body.output_config = outputConfig;
  return body;
}

function rejectUnsupported(request: ChatCompletionRequest, provider: string): void {
  if (request.n != null && request.n > 1) throw unsupported(provider, 'n > 1 (several choices per request)', 'n');
  if (request.logprobs) throw unsupported(provider, 'logprobs', 'logprobs');
}

function stopSequences(stop: ChatCompletionRequest['stop']): string[] | undefined {
  if (stop == null) return undefined;
  if (typeof stop === 'string') return stop ? [stop] : undefined;
  return stop.length > 0 ? stop : undefined;
}

// ---------------------------------------------------------------------------------------------
// Messages

interface Turn {
  role: 'user' | 'assistant';
  content: ContentBlockParam[];
}

function convertMessages(
  messages: ChatMessage[],
  provider: string,
): { system: TextBlockParam[]; messages: MessageParam[] } {
  const system: TextBlockParam[] = [];
  const turns: Turn[] = [];
  for (let index = 0; index < messages.length; index++) {
    const message = messages[index];
    const param = `messages[${index}]`;
    switch (message.role) {
      case 'system':
      case 'developer':
        if (turns.length === 0) system.push(...textBlocks(message.content));
        else appendBlocks(turns, 'user', [systemInstructionBlock(message.content)]);
        break;
      case 'user':
        appendBlocks(turns, 'user', userBlocks(message.content, param, provider));
        break;
      case 'assistant':
        appendBlocks(turns, 'assistant', assistantBlocks(message, param));
        break;
      case 'tool':
        appendToolResult(turns, toolResultBlock(message.tool_call_id, message.content));
        break;
      case 'function':
        throw unsupported(provider, 'the deprecated "function" message role (use "tool")', `${param}.role`);
      default: {
        const unknownMessage: never = message;
        throw badRequest(`${param} has an unknown role`, `${param}.role`, String(unknownMessage));
      }
    }
  }
  if (turns.length === 0) {
    throw badRequest('messages must contain at least one user or assistant message for Anthropic', 'messages');
  }
  return { system, messages: turns.map(toMessageParam) };
}

/** Adds blocks to the last turn when it has the same role (Anthropic wants alternation), else starts one. */
function appendBlocks(turns: Turn[], role: Turn['role'], blocks: ContentBlockParam[]): void {
  if (blocks.length === 0) return;
  const last = turns[turns.length - 1];
  if (last?.role === role) last.content.push(...blocks);
  else turns.push({ role, content: blocks });
}

/**
 * Tool results join the user turn after the assistant's tool calls. Anthropic wants them before any
 * other block of that turn, so a result is inserted after the results already there.
 */
function appendToolResult(turns: Turn[], block: ToolResultBlockParam): void {
  const last = turns[turns.length - 1];
  if (last?.role !== 'user') {
    turns.push({ role: 'user', content: [block] });
    return;
  }
  let position = 0;
  while (position < last.content.length && last.content[position].type === 'tool_result') position++;
  last.content.splice(position, 0, block);
}

/** A turn of one plain text block is sent as a string, as Anthropic's own examples do. */
function toMessageParam(turn: Turn): MessageParam {
  const [first] = turn.content;
  if (turn.content.length === 1 && first.type === 'text') return { role: turn.role, content: first.text };
  return { role: turn.role, content: turn.content };
}

type TextContent = string | Array<{ type: 'text'; text: string }>;

/** Anthropic refuses empty text blocks, which OpenAI accepts: they are dropped. */
function textBlocks(content: TextContent): TextBlockParam[] {
  if (typeof content === 'string') return content ? [{ type: 'text', text: content }] : [];
  const blocks: TextBlockParam[] = [];
  for (const part of content) if (part.text) blocks.push({ type: 'text', text: part.text });
  return blocks;
}

function joinText(content: TextContent): string {
  return typeof content === 'string' ? content : content.map((part) => part.text).join('\n');
}

function systemInstructionBlock(content: TextContent): TextBlockParam {
  return { type: 'text', text: `<system_instruction>\n${joinText(content)}\n</system_instruction>` };
}

function userBlocks(content: string | UserContentPart[], param: string, provider: string): ContentBlockParam[] {
  if (typeof content === 'string') return content ? [{ type: 'text', text: content }] : [];
  const blocks: ContentBlockParam[] = [];
  content.forEach((part, index) => {
    const block = userBlock(part, `${param}.content[${index}]`, provider);
    if (block) blocks.push(block);
  });
  return blocks;
}

function userBlock(part: UserContentPart, param: string, provider: string): ContentBlockParam | undefined {
  switch (part.type) {
    case 'text':
      return part.text ? { type: 'text', text: part.text } : undefined;
    case 'image_url':
      return imageBlock(part.image_url.url, `${param}.image_url.url`);
    case 'input_audio':
      throw unsupported(provider, 'audio input (input_audio content parts)', param);
    case 'file':
      throw unsupported(provider, 'file content parts', param);
    default: {
      const unknownPart: never = part;
      throw badRequest(`${param} has an unknown content part type`, param, String(unknownPart));
    }
  }
}

function imageBlock(url: string, param: string): ImageBlockParam {
  if (url.startsWith('data:')) return { type: 'image', source: base64ImageSource(url, param) };
  if (/^https?:\/\//i.test(url)) return { type: 'image', source: { type: 'url', url } };
  throw badRequest(`${param} must be an http(s) URL or a base64 data URL`, param);
}

/** `data:image/png;base64,AAAA` → a base64 source. Sliced, not matched with a regex: the data may be megabytes. */
function base64ImageSource(url: string, param: string): Base64ImageSource {
  const comma = url.indexOf(',');
  const [mediaType = '', ...attributes] = comma === -1 ? [] : url.slice(5, comma).split(';');
  if (comma === -1 || !attributes.some((attribute) => attribute.toLowerCase() === 'base64')) {
    throw badRequest(`${param} must be a base64 data URL (data:<media type>;base64,<data>)`, param);
  }
  return { type: 'base64', media_type: imageMediaType(mediaType, param), data: url.slice(comma + 1) };
}

function imageMediaType(mediaType: string, param: string): Base64ImageSource['media_type'] {
  switch (mediaType.toLowerCase()) {
    case 'image/jpeg':
    case 'image/jpg':
      return 'image/jpeg';
    case 'image/png':
      return 'image/png';
    case 'image/gif':
      return 'image/gif';
    case 'image/webp':
      return 'image/webp';
    default:
      throw badRequest(
        `${param}: image type "${mediaType}" is not supported by Anthropic; use image/jpeg, image/png, image/gif or image/webp`,
        param,
        'unsupported_image_type',
      );
  }
}

type AssistantMessage = Extract<ChatMessage, { role: 'assistant' }>;

function assistantBlocks(message: AssistantMessage, param: string): ContentBlockParam[] {
  const blocks: ContentBlockParam[] = [];
  const { content } = message;
  if (typeof content === 'string') {
    if (content) blocks.push({ type: 'text', text: content });
  } else if (content) {
    for (const part of content) {
      const text = part.type === 'text' ? part.text : part.refusal;
      if (text) blocks.push({ type: 'text', text });
    }
  }
  message.tool_calls?.forEach((call, index) => {
    blocks.push(toolUseBlock(call, `${param}.tool_calls[${index}].function.arguments`));
  });
  return blocks;
}

function toolUseBlock(call: NonNullable<AssistantMessage['tool_calls']>[number], param: string): ToolUseBlockParam {
  return { type: 'tool_use', id: call.id, name: call.function.name, input: parseArguments(call.function.arguments, param) };
}

/** Anthropic takes the arguments as an object; OpenAI sends a JSON string, which the client wrote. */
function parseArguments(text: string, param: string): Record<string, unknown> {
  if (text.trim() === '') return {};
  let input: unknown;
  try {
    input = parseBoundedJson(text, maxJsonDepthCeiling);
  } catch (error) {
    if (error instanceof RangeError) throw badRequest(`${param} nests JSON deeper than ${maxJsonDepthCeiling} levels`, param, 'invalid_tool_arguments');
    throw badRequest(`${param} is not valid JSON`, param, 'invalid_tool_arguments');
  }
  if (input === null || typeof input !== 'object' || Array.isArray(input)) {
    throw badRequest(`${param} must be a JSON object`, param, 'invalid_tool_arguments');
  }
  return input as Record<string, unknown>;
}

function toolResultBlock(toolCallId: string, content: TextContent): ToolResultBlockParam {
  const block: ToolResultBlockParam = { type: 'tool_result', tool_use_id: toolCallId };
  if (typeof content === 'string') {
    if (content) block.content = content;
  } else {
    const blocks = textBlocks(content);
    if (blocks.length > 0) block.content = blocks;
  }
  return block;
}

// ---------------------------------------------------------------------------------------------
// Tools, response format, reasoning effort
