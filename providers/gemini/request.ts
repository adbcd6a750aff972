/**
 * @module providers/gemini/request
 * An OpenAI chat request → Gemini's `GenerateContentRequest`.
 * https://ai.google.dev/api/generate-content#request-body
 *
 * Decisions a client can rely on:
 * - Leading system and developer messages become `systemInstruction`. A system or developer
 *   message later in the conversation stays where it is, as user text: Gemini has one system
 *   instruction, and moving a mid-conversation instruction to the top would change what it refers
 *   to. A conversation of system messages only is sent as one user turn (Gemini needs contents).
 * - Roles become user/model and consecutive contents of one role are merged, so all tool results
 *   of a turn travel as `functionResponse` parts of one user content, in order.
 * - A tool result names its function: Gemini wants the name, OpenAI sends only `tool_call_id`, so
 *   the name comes from the earlier assistant tool call with that id (400 when there is none). Its
 *   `response` is the content parsed when it is a JSON object, else `{ result: content }`.
 * - Tool-call ids carry Gemini's thought signatures (see `response.ts`); the signature is restored
 *   on its `functionCall` part. Call ids are not sent back: Gemini pairs calls and responses by
 *   order, and an id Tollgate synthesised means nothing to it.
 * - Images: data URLs → `inlineData`; http(s) URLs → `fileData.fileUri`, which Gemini fetches
 *   itself (Tollgate never fetches: no SSRF, no buffering). `mimeType` is guessed from the
 *   extension and left out when unknown (Gemini then detects it). `detail` is ignored.
 * - `logprobs: true` is refused (400): Gemini's log-probabilities are not mapped back.
 */
import type { ChatCompletionRequest, ChatMessage, ChatToolChoice, UserContentPart } from '../../schemas/openai-chat.js';
import { maxJsonDepthCeiling } from '../../schemas/limits.js';
import { badRequest, unsupported } from '../../src/errors/gateway-error.js';
import { parseBoundedJson } from '../shared/json-structure.js';
import { toGeminiParameters, toGeminiSchema, type GeminiSchema } from './json-schema.js';
import { decodeToolCallId } from './response.js';

export interface GeminiRequestPart {
  text?: string;
  inlineData?: { mimeType: string; data: string };
  fileData?: { mimeType?: string; fileUri: string };
  functionCall?: { name: string; args: Record<string, unknown> };
  functionResponse?: { name: string; response: Record<string, unknown> };
  thoughtSignature?: string;
}

export interface GeminiContent {
  role: 'user' | 'model';
  parts: GeminiRequestPart[];
}

export interface GenerateContentRequest {
  contents: GeminiContent[];
  systemInstruction?: { parts: GeminiRequestPart[] };
  tools?: Array<{ functionDeclarations: FunctionDeclaration[] }>;
  toolConfig?: { functionCallingConfig: { mode: 'AUTO' | 'ANY' | 'NONE'; allowedFunctionNames?: string[] } };
  generationConfig?: GenerationConfig;
}

interface FunctionDeclaration {
  name: string;
  description?: string;
  parameters?: GeminiSchema;
}

interface GenerationConfig {
  stopSequences?: string[];
  maxOutputTokens?: number;
  temperature?: number;
  topP?: number;
  seed?: number;
  presencePenalty?: number;
  frequencyPenalty?: number;
  candidateCount?: number;
  responseMimeType?: string;
  responseSchema?: GeminiSchema;
  thinkingConfig?: { thinkingBudget: number };
}

export function toGenerateContentRequest(request: ChatCompletionRequest, provider: string): GenerateContentRequest {
  if (request.logprobs) throw unsupported(provider, 'logprobs', 'logprobs');
  const body: GenerateContentRequest = convertMessages(request.messages, provider);
  if (request.tools && request.tools.length > 0) {
    body.tools = [{ functionDeclarations: request.tools.map(toFunctionDeclaration) }];
    if (request.tool_choice !== undefined) body.toolConfig = { functionCallingConfig: toFunctionCallingConfig(request.tool_choice) };
  }
  const generationConfig = toGenerationConfig(request);
  if (Object.keys(generationConfig).length > 0) body.generationConfig = generationConfig;
  return body;
}

export function convertMessages(messages: ChatMessage[], provider: string): Pick<GenerateContentRequest, 'contents' | 'systemInstruction'> {
  const systemParts: GeminiRequestPart[] = [];
  const contents: GeminiContent[] = [];
  const toolNames = new Map<string, string>();
  let leading = true;
  messages.forEach((message, index) => {
    if (message.role === 'system' || message.role === 'developer') {
      if (leading) systemParts.push({ text: textOf(message.content) });
      else appendContent(contents, 'user', [{ text: textOf(message.content) }]);
      return;
    }
    leading = false;
    appendContent(contents, roleOf(message), partsOf(message, index, toolNames, provider));
  });
  if (contents.length === 0) return { contents: [{ role: 'user', parts: systemParts }] };
  return systemParts.length > 0 ? { systemInstruction: { parts: systemParts }, contents } : { contents };
}

function roleOf(message: ChatMessage): 'user' | 'model' {
  return message.role === 'assistant' ? 'model' : 'user';
}

function partsOf(message: ChatMessage, index: number, toolNames: Map<string, string>, provider: string): GeminiRequestPart[] {
  switch (message.role) {
    case 'user':
      return typeof message.content === 'string'
        ? [{ text: message.content }]
        : message.content.map((part, partIndex) => userPart(part, `messages[${index}].content[${partIndex}]`, provider));
    case 'assistant':
      return assistantParts(message, index, toolNames);
    case 'tool': {
      const name = toolNames.get(message.tool_call_id);
      if (!name) {
        throw badRequest(
          `messages[${index}].tool_call_id "${message.tool_call_id}" matches no tool call of an earlier assistant message`,
          `messages[${index}].tool_call_id`,
        );
      }
      return [{ functionResponse: { name, response: toolResponse(textOf(message.content), `messages[${index}].content`) } }];
    }
    case 'function':
      return [{ functionResponse: { name: message.name, response: toolResponse(message.content ?? '', `messages[${index}].content`) } }];
    case 'system':
    case 'developer':
      return [{ text: textOf(message.content) }];
    default:
      return assertNever(message);
  }
}

function assistantParts(message: Extract<ChatMessage, { role: 'assistant' }>, index: number, toolNames: Map<string, string>): GeminiRequestPart[] {
  const parts: GeminiRequestPart[] = [];
  const text = typeof message.content === 'string' ? message.content : (message.content ?? []).map(assistantText).join('');
  if (text) parts.push({ text });
  (message.tool_calls ?? []).forEach((call, callIndex) => {
    toolNames.set(call.id, call.function.name);
    const { thoughtSignature } = decodeToolCallId(call.id);
    const args = parseArguments(call.function.arguments, `messages[${index}].tool_calls[${callIndex}].function.arguments`);
    const part: GeminiRequestPart = { functionCall: { name: call.function.name, args } };
    if (thoughtSignature) part.thoughtSignature = thoughtSignature;
    parts.push(part);
  });
  // Gemini rejects a content without parts; an empty assistant turn says nothing anyway.
  return parts;
}

function assistantText(part: { type: 'text'; text: string } | { type: 'refusal'; refusal: string }): string {
  return part.type === 'text' ? part.text : part.refusal;
}

function userPart(part: UserContentPart, param: string, provider: string): GeminiRequestPart {
  switch (part.type) {
    case 'text':
      return { text: part.text };
    case 'image_url':
      return mediaPart(part.image_url.url, `${param}.image_url.url`);
    case 'input_audio':
      return { inlineData: { mimeType: audioMimeType(part.input_audio.format), data: part.input_audio.data } };
    case 'file': {
      const fileData = (part.file as { file_data?: unknown }).file_data;
      if (typeof fileData !== 'string') throw unsupported(provider, 'a file part without file_data (file_id)', `${param}.file`);
      return mediaPart(fileData, `${param}.file.file_data`);
    }
    default:
      return assertNever(part);
  }
}

function mediaPart(url: string, param: string): GeminiRequestPart {
  if (url.startsWith('data:')) return { inlineData: parseDataUrl(url, param) };
  if (!/^https?:\/\//i.test(url)) throw badRequest('expected a data: URL or an http(s) URL', param);
  const mimeType = mimeTypeFromExtension(url);
  return { fileData: mimeType ? { mimeType, fileUri: url } : { fileUri: url } };
}

function parseDataUrl(url: string, param: string): { mimeType: string; data: string } {
  const comma = url.indexOf(',');
  if (comma === -1) throw badRequest('the data: URL has no data', param);
  const header = url.slice('data:'.length, comma).split(';');
  const payload = url.slice(comma + 1);
  const mimeType = header[0] || 'application/octet-stream';
  if (header.includes('base64')) return { mimeType, data: payload };
  return { mimeType, data: Buffer.from(decodeURIComponent(payload), 'utf8').toString('base64') };
}

const mimeTypes: Record<string, string> = {
  png: 'image/png',
  jpg: 'image/jpeg',
  jpeg: 'image/jpeg',
  webp: 'image/webp',
  gif: 'image/gif',
  heic: 'image/heic',
  heif: 'image/heif',
  pdf: 'application/pdf',
  mp3: 'audio/mp3',
  wav: 'audio/wav',
  mp4: 'video/mp4',
};

function mimeTypeFromExtension(url: string): string | undefined {
  let pathname: string;
  try {
    pathname = new URL(url).pathname;
  } catch {
    return undefined;
  }
  const extension = /\.([a-z0-9]+)$/i.exec(pathname)?.[1]?.toLowerCase();
  return extension ? mimeTypes[extension] : undefined;
}

function audioMimeType(format: string): string {
  return format.includes('/') ? format : `audio/${format.toLowerCase()}`;
}

/** A tool result that is a JSON object is sent as one; anything else as text. Too deep to re-serialise safely: refused. */
function toolResponse(content: string, param: string): Record<string, unknown> {
  let parsed: unknown;
  try {
    parsed = parseBoundedJson(content, maxJsonDepthCeiling);
  } catch (error) {
    if (error instanceof RangeError) throw badRequest(`${param} nests JSON deeper than ${maxJsonDepthCeiling} levels`, param, 'invalid_request_body');
    // not JSON: sent as text below
  }
  if (parsed && typeof parsed === 'object' && !Array.isArray(parsed)) return parsed as Record<string, unknown>;
  return { result: content };
}

function parseArguments(text: string, param: string): Record<string, unknown> {
  if (text.trim() === '') return {};
  try {
    const parsed: unknown = parseBoundedJson(text, maxJsonDepthCeiling);
    if (parsed && typeof parsed === 'object' && !Array.isArray(parsed)) return parsed as Record<string, unknown>;
  } catch (error) {
    if (error instanceof RangeError) throw badRequest(`tool call arguments nest JSON deeper than ${maxJsonDepthCeiling} levels`, param, 'invalid_request_body');
    // reported below
  }
  throw badRequest('tool call arguments must be a JSON object', param);
}

function appendContent(contents: GeminiContent[], role: 'user' | 'model', parts: GeminiRequestPart[]): void {
  if (parts.length === 0) return;
  const last = contents[contents.length - 1];
  if (last && last.role === role) last.parts.push(...parts);
  else contents.push({ role, parts });
}

function textOf(content: string | Array<{ type: 'text'; text: string }>): string {
  return typeof content === 'string' ? content : content.map((part) => part.text).join('');
}

function toFunctionDeclaration(tool: NonNullable<ChatCompletionRequest['tools']>[number], index: number): FunctionDeclaration {
  const { name, description, parameters } = tool.function;
  const declaration: FunctionDeclaration = { name };
  if (description) declaration.description = description;
  const converted = toGeminiParameters(parameters, { param: `tools[${index}].function.parameters` });
  if (converted) declaration.parameters = converted;
  return declaration;
}

function toFunctionCallingConfig(choice: ChatToolChoice): NonNullable<GenerateContentRequest['toolConfig']>['functionCallingConfig'] {
  if (typeof choice === 'object') return { mode: 'ANY', allowedFunctionNames: [choice.function.name] };
  switch (choice) {
    case 'auto':
      return { mode: 'AUTO' };
    case 'none':
      return { mode: 'NONE' };
    case 'required':
      return { mode: 'ANY' };
    default:
      return assertNever(choice);
  }
}

function toGenerationConfig(request: ChatCompletionRequest): GenerationConfig {
  const config: GenerationConfig = {};
  if (request.stop != null) config.stopSequences = typeof request.stop === 'string' ? [request.stop] : request.stop;
  const maxTokens = request.max_completion_tokens ?? request.max_tokens;
  if (maxTokens != null) config.maxOutputTokens = maxTokens;
  if (request.temperature != null) config.temperature = request.temperature;
  if (request.top_p != null) config.topP = request.top_p;
  if (request.seed != null) config.seed = request.seed;
  if (request.presence_penalty != null) config.presencePenalty = request.presence_penalty;
  if (request.frequency_penalty != null) config.frequencyPenalty = request.frequency_penalty;
  // Only when asked for: some models refuse `candidateCount` altogether.
  if (request.n != null && request.n > 1) config.candidateCount = request.n;
  Object.assign(config, responseFormatConfig(request.response_format));
  if (request.reasoning_effort != null) config.thinkingConfig = { thinkingBudget: thinkingBudgets[request.reasoning_effort] };
  return config;
}

function responseFormatConfig(format: ChatCompletionRequest['response_format']): Pick<GenerationConfig, 'responseMimeType' | 'responseSchema'> {
  switch (format?.type) {
    case undefined:
    case 'text':
      return {};
    case 'json_object':
      return { responseMimeType: 'application/json' };
    case 'json_schema': {
      const schema = format.json_schema.schema;
      if (!schema) return { responseMimeType: 'application/json' };
      const param = 'response_format.json_schema.schema';
      return { responseMimeType: 'application/json', responseSchema: toGeminiSchema(schema, { param, propertyOrdering: true }) };
    }
    default:
      return assertNever(format);
  }
}

/**
 * `reasoning_effort` → `thinkingBudget`, the figures Google's own OpenAI-compatible endpoint uses
 * (https://ai.google.dev/gemini-api/docs/openai#thinking); Gemini 3 still accepts a budget.
 * `none` turns thinking off where the model allows it (2.5 Pro does not, and says so with a 400).
 */
const thinkingBudgets: Record<NonNullable<ChatCompletionRequest['reasoning_effort']>, number> = {
  none: 0,
  minimal: 1024,
  low: 1024,
  medium: 8192,
  high: 24_576,
  xhigh: 24_576,
};

function assertNever(value: never): never {
  throw new Error(`unexpected value: ${JSON.stringify(value)}`);
}
