/**
 * @module protocols/responses/response
 * Canonical chat answers → OpenAI Response objects: output items (reasoning text where an
 * OpenAI-compatible upstream streamed it, the assistant message, function calls), the status
 * (`incomplete` when the answer was cut by the token limit or a filter), usage in the Responses
 * buckets (cached input and reasoning inside input and output, each counted once), and the
 * request's settings echoed as OpenAI does.
 */
import { randomBytes } from 'node:crypto';
import type { NormalizedUsage } from '../../providers/types.js';
import type { ChatCompletion, FinishReason } from '../../schemas/openai-chat.js';
import type { ResponsesRequest } from './schema.js';

export type OutputItem = Record<string, unknown> & { type: string; id: string };
export type ResponseObject = Record<string, unknown> & { id: string; output: OutputItem[] };

export function newId(prefix: string): string {
  return `${prefix}_${randomBytes(16).toString('hex')}`;
}

export function toResponsesUsage(usage: NormalizedUsage) {
  const input = usage.inputTokens + usage.cachedInputTokens + usage.cacheWriteTokens;
  const output = usage.outputTokens + usage.reasoningTokens;
  return {
    input_tokens: input,
    input_tokens_details: { cached_tokens: usage.cachedInputTokens, cache_write_tokens: usage.cacheWriteTokens },
    output_tokens: output,
    output_tokens_details: { reasoning_tokens: usage.reasoningTokens },
    total_tokens: input + output,
  };
}

export function messageItem(id: string, text: string, status: 'in_progress' | 'completed', refusal = false): OutputItem {
  const content = status === 'in_progress' ? [] : [refusal ? { type: 'refusal', refusal: text } : outputTextPart(text)];
  return { id, type: 'message', status, role: 'assistant', content };
}

export function outputTextPart(text: string) {
  return { type: 'output_text', text, annotations: [], logprobs: [] };
}

export function functionCallItem(id: string, callId: string, name: string, args: string, status: 'in_progress' | 'completed'): OutputItem {
  return { id, type: 'function_call', call_id: callId, name, arguments: args, status };
}

export function reasoningItem(id: string, text: string): OutputItem {
  return { id, type: 'reasoning', summary: [], content: text ? [reasoningTextPart(text)] : [] };
}

export function reasoningTextPart(text: string) {
  return { type: 'reasoning_text', text };
}

export interface ResponseShell {
  id: string;
  createdAt: number;
  publicModel: string;
  request: ResponsesRequest;
}

/** The Response object around its output, with the request's settings as OpenAI echoes them. */
export function responseObject(shell: ResponseShell, output: OutputItem[], finish: { status: string; reason?: FinishReason | null; usage?: NormalizedUsage | null; error?: { code: string; message: string } }): ResponseObject {
  const { request } = shell;
  const incomplete = finish.status === 'incomplete' ? { reason: finish.reason === 'content_filter' ? 'content_filter' : 'max_output_tokens' } : null;
  return {
    id: shell.id,
    object: 'response',
    created_at: shell.createdAt,
    status: finish.status,
    completed_at: finish.status === 'completed' ? Math.floor(Date.now() / 1000) : null,
    error: finish.error ?? null,
    incomplete_details: incomplete,
    instructions: request.instructions ?? null,
    max_output_tokens: request.max_output_tokens ?? null,
    model: shell.publicModel,
    output,
    parallel_tool_calls: request.parallel_tool_calls ?? true,
    previous_response_id: request.previous_response_id ?? null,
    reasoning: { effort: request.reasoning?.effort ?? null, summary: null },
    store: request.store ?? true,
    temperature: request.temperature ?? 1,
    text: { format: request.text?.format ?? { type: 'text' } },
    tool_choice: request.tool_choice ?? 'auto',
    tools: request.tools ?? [],
    top_p: request.top_p ?? 1,
    truncation: 'disabled',
    ...(finish.usage ? { usage: toResponsesUsage(finish.usage) } : {}),
    ...(request.user ? { user: request.user } : {}),
    metadata: request.metadata ?? {},
  };
}

/** The status a finish reason gives: cut by the token limit or a filter is `incomplete`. */
export function statusFor(reason: FinishReason | null | undefined): 'completed' | 'incomplete' {
  return reason === 'length' || reason === 'content_filter' ? 'incomplete' : 'completed';
}

export function toResponseObject(completion: ChatCompletion, usage: NormalizedUsage, shell: ResponseShell): ResponseObject {
  const choice = completion.choices[0];
  const message = choice?.message;
  const output: OutputItem[] = [];
  const reasoning = (message as { reasoning_content?: unknown } | undefined)?.reasoning_content;
  if (typeof reasoning === 'string' && reasoning) output.push(reasoningItem(newId('rs'), reasoning));
  if (message?.content) output.push(messageItem(newId('msg'), message.content, 'completed'));
  else if (message?.refusal) output.push(messageItem(newId('msg'), message.refusal, 'completed', true));
  for (const call of message?.tool_calls ?? []) output.push(functionCallItem(newId('fc'), call.id, call.function.name, call.function.arguments, 'completed'));
  return responseObject(shell, output, { status: statusFor(choice?.finish_reason), reason: choice?.finish_reason, usage });
}
