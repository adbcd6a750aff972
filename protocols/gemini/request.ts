/**
 * @module protocols/gemini/request
 * A Gemini `generateContent` request → the canonical chat request. `systemInstruction` is the
 * system message; `model` turns are the assistant's (their `functionCall` parts its tool calls,
 * given ids when Gemini's omit them, so the `functionResponse` that answers one — by id, else by
 * name in order — becomes the matching tool message); thought parts are dropped. Gemini's
 * OpenAPI-style schemas (upper-case `type`) become JSON Schema; `generationConfig` maps field by
 * field (`responseMimeType: application/json` with a schema is `json_schema`, without one
 * `json_object`; `thinkingBudget` is a reasoning effort).
 */
import type { ChatCompletionRequest, ChatMessage, UserContentPart } from '../../schemas/openai-chat.js';
import type { GeminiContent, GeminiPart, GenerateContentRequest } from './schema.js';

type ToolCall = NonNullable<Extract<ChatMessage, { role: 'assistant' }>['tool_calls']>[number];

export function toChatRequest(request: GenerateContentRequest, model: string, stream: boolean): ChatCompletionRequest {
  const messages: ChatMessage[] = [];
  const system = textOf(request.systemInstruction?.parts ?? []);
  if (system) messages.push({ role: 'system', content: system });
  const pending = new PendingCalls();
  for (const content of request.contents) messages.push(...convertContent(content, pending));
  settleUnansweredCalls(messages);
  const chat: ChatCompletionRequest = { model, messages };
  if (stream) chat.stream = true;
  applyGenerationConfig(chat, request.generationConfig);
  applyTools(chat, request);
  return chat;
}

/** Tool-call ids given to the model's calls, waiting for the function responses that answer them. */
class PendingCalls {
  private count = 0;
  private readonly byName = new Map<string, string[]>();

  /** A model turn begins: calls of earlier turns that went unanswered stay unanswered. */
  newTurn(): void {
    this.byName.clear();
  }

  add(name: string, id: string | undefined): string {
    const callId = id || `call_${++this.count}_${name}`;
    this.byName.set(name, [...(this.byName.get(name) ?? []), callId]);
    return callId;
  }

  answer(name: string, id: string | undefined): string {
    const waiting = this.byName.get(name) ?? [];
    const index = id ? waiting.indexOf(id) : 0;
    if (index >= 0 && waiting.length > 0) return waiting.splice(index, 1)[0];
    return id || `call_${name}`;
  }
}

function convertContent(content: GeminiContent, pending: PendingCalls): ChatMessage[] {
  if (content.role === 'model') return [modelMessage(content.parts, pending)];
  const tools: ChatMessage[] = [];
  const parts: UserContentPart[] = [];
  for (const part of content.parts) {
    if (part.functionResponse) {
      const { name, id, response } = part.functionResponse;
      tools.push({ role: 'tool', tool_call_id: pending.answer(name, id), content: JSON.stringify(response ?? {}) });
    } else if (!part.thought) {
      const converted = userPart(part);
      if (converted) parts.push(converted);
    }
  }
  return parts.length > 0 ? [...tools, { role: 'user', content: parts }] : tools;
}

/**
 * Gemini lets a conversation go on past a function call nobody answered; OpenAI and Anthropic
 * refuse a tool call without its result. Such a call stays in the history as text instead.
 */
function settleUnansweredCalls(messages: ChatMessage[]): void {
  const answered = new Set(messages.flatMap((message) => (message.role === 'tool' ? [message.tool_call_id] : [])));
  for (const message of messages) {
    if (message.role !== 'assistant' || !message.tool_calls) continue;
    const unanswered = message.tool_calls.filter((call) => !answered.has(call.id));
    if (unanswered.length === 0) continue;
    const note = unanswered.map((call) => `[called ${call.function.name}(${call.function.arguments})]`).join('\n');
    message.content = typeof message.content === 'string' && message.content ? `${message.content}\n${note}` : note;
    const kept = message.tool_calls.filter((call) => answered.has(call.id));
    if (kept.length > 0) message.tool_calls = kept;
    else delete message.tool_calls;
  }
}

function userPart(part: GeminiPart): UserContentPart | undefined {
  if (typeof part.text === 'string') return { type: 'text', text: part.text };
  if (part.inlineData) {
    const url = `data:${part.inlineData.mimeType};base64,${part.inlineData.data}`;
    if (part.inlineData.mimeType.startsWith('image/')) return { type: 'image_url', image_url: { url } };
    return { type: 'file', file: { file_data: url } };
  }
  if (part.fileData) return { type: 'image_url', image_url: { url: part.fileData.fileUri } };
  return undefined;
}

function modelMessage(parts: GeminiPart[], pending: PendingCalls): ChatMessage {
  const calls: ToolCall[] = [];
  pending.newTurn();
  for (const part of parts) {
    if (!part.functionCall) continue;
    const { name, id, args } = part.functionCall;
    calls.push({ id: pending.add(name, id), type: 'function', function: { name, arguments: JSON.stringify(args ?? {}) } });
  }
  const text = textOf(parts.filter((part) => !part.thought));
  return calls.length > 0 ? { role: 'assistant', content: text || null, tool_calls: calls } : { role: 'assistant', content: text };
}

function textOf(parts: GeminiPart[]): string {
  return parts.map((part) => part.text ?? '').join('');
}

function applyGenerationConfig(chat: ChatCompletionRequest, config: GenerateContentRequest['generationConfig']): void {
  if (!config) return;
  if (config.temperature !== undefined) chat.temperature = config.temperature;
  if (config.topP !== undefined) chat.top_p = config.topP;
  if (config.maxOutputTokens !== undefined) chat.max_tokens = config.maxOutputTokens;
  if (config.stopSequences?.length) chat.stop = config.stopSequences;
  if (config.candidateCount !== undefined && config.candidateCount > 1) chat.n = config.candidateCount;
  if (config.seed !== undefined) chat.seed = config.seed;
  if (config.presencePenalty !== undefined) chat.presence_penalty = config.presencePenalty;
  if (config.frequencyPenalty !== undefined) chat.frequency_penalty = config.frequencyPenalty;
  const schema = config.responseJsonSchema ?? (config.responseSchema ? toJsonSchema(config.responseSchema) : undefined);
  if (config.responseMimeType === 'application/json') {
    chat.response_format = schema ? { type: 'json_schema', json_schema: { name: 'response', schema: schema as Record<string, unknown> } } : { type: 'json_object' };
  }
  const budget = config.thinkingConfig?.thinkingBudget;
  if (budget !== undefined && budget > 0) chat.reasoning_effort = budget < 4096 ? 'low' : budget < 16_384 ? 'medium' : 'high';
}

function applyTools(chat: ChatCompletionRequest, request: GenerateContentRequest): void {
  const declarations = (request.tools ?? []).flatMap((tool) => tool.functionDeclarations ?? []);
  if (declarations.length === 0) return;
  chat.tools = declarations.map((declaration) => {
    const parameters = declaration.parametersJsonSchema ?? (declaration.parameters ? toJsonSchema(declaration.parameters) : undefined);
    return { type: 'function' as const, function: { name: declaration.name, ...(declaration.description ? { description: declaration.description } : {}), ...(parameters ? { parameters: parameters as Record<string, unknown> } : {}) } };
  });
  const config = request.toolConfig?.functionCallingConfig;
  const allowed = config?.allowedFunctionNames ?? [];
  if (config?.mode === 'NONE') chat.tool_choice = 'none';
  else if (config?.mode === 'ANY' || config?.mode === 'VALIDATED') chat.tool_choice = allowed.length === 1 ? { type: 'function', function: { name: allowed[0] } } : 'required';
}

/** Gemini's OpenAPI subset → JSON Schema: `type: "OBJECT"` → `"object"`, `nullable` → a null type. Depth is bounded by the route. */
export function toJsonSchema(schema: unknown): unknown {
  if (Array.isArray(schema)) return schema.map(toJsonSchema);
  if (schema === null || typeof schema !== 'object') return schema;
  const converted: Record<string, unknown> = {};
  for (const [key, value] of Object.entries(schema)) {
    if (key === 'type' && typeof value === 'string') converted.type = value.toLowerCase();
    else if (key === 'properties' && value && typeof value === 'object') {
      converted.properties = Object.fromEntries(Object.entries(value).map(([name, property]) => [name, toJsonSchema(property)]));
    } else if (key === 'items' || key === 'anyOf') converted[key] = toJsonSchema(value);
    else if (key !== 'nullable' && key !== 'propertyOrdering') converted[key] = value;
  }
  if ((schema as { nullable?: unknown }).nullable === true && typeof converted.type === 'string') converted.type = [converted.type, 'null'];
  return converted;
}
