/**
 * @module providers/openai/request
 * Where to send an OpenAI-shaped request and what to send. OpenAI and OpenAI-compatible servers
 * take the client's body nearly as is: only `model` changes, and on streams Tollgate always asks
 * for usage (`stream_options.include_usage`) because metering needs it; whether the client sees
 * the usage chunk is decided later. Azure OpenAI names the deployment in the URL instead.
 */
import type { AzureOpenAIProviderConfig, OpenAIProviderConfig } from '../../schemas/config.js';
import type { ChatCompletionRequest } from '../../schemas/openai-chat.js';
import { setTopLevelValues } from '../shared/json-splice.js';
import type { ForwardOperation } from '../types.js';

export type OpenAIFamilyConfig = OpenAIProviderConfig | AzureOpenAIProviderConfig;
export type Operation = 'chat/completions' | 'embeddings' | 'responses' | ForwardOperation;

export function upstreamUrl(config: OpenAIFamilyConfig, operation: Operation, upstreamModel: string): string {
  const base = config.baseURL.replace(/\/+$/, '');
  if (config.type === 'azure-openai') {
    const deployment = encodeURIComponent(upstreamModel);
    return `${base}/openai/deployments/${deployment}/${operation}?api-version=${encodeURIComponent(config.apiVersion)}`;
  }
  return `${base}/${operation}`;
}

export function upstreamHeaders(config: OpenAIFamilyConfig): Record<string, string> {
  const headers: Record<string, string> = { 'content-type': 'application/json', ...config.headers };
  if (config.type === 'azure-openai') headers['api-key'] = config.apiKey;
  else if (config.apiKey) headers.authorization = `Bearer ${config.apiKey}`;
  return headers;
}

/**
 * The body to send: the client's own bytes, with `model` (and on streams `stream_options`) spliced
 * in at the top level where they differ from what upstream needs — no re-serialising a large
 * prompt. Without the client's bytes (a request the gateway built) it is a shallow copy with the
 * upstream model; nested objects are shared, never deep-copied.
 */
export function chatBody(request: ChatCompletionRequest, upstreamModel: string, stream: boolean, rawBody?: Uint8Array): string | Uint8Array {
  const spliced = rawBody === undefined ? undefined : splicedChatBody(rawBody, request, upstreamModel, stream);
  if (spliced !== undefined) return spliced;
  if (!stream) return JSON.stringify({ ...request, model: upstreamModel });
  return JSON.stringify({ ...request, model: upstreamModel, stream: true, stream_options: streamOptions(request) });
}

function splicedChatBody(rawBody: Uint8Array, request: ChatCompletionRequest, upstreamModel: string, stream: boolean): Uint8Array | undefined {
  const changes: Record<string, string> = {};
  if (request.model !== upstreamModel) changes.model = JSON.stringify(upstreamModel);
  if (stream && request.stream !== true) changes.stream = 'true';
  if (stream && request.stream_options?.include_usage !== true) changes.stream_options = JSON.stringify(streamOptions(request));
  return Object.keys(changes).length === 0 ? rawBody : setTopLevelValues(rawBody, changes);
}

function streamOptions(request: ChatCompletionRequest): NonNullable<ChatCompletionRequest['stream_options']> {
  return { ...request.stream_options, include_usage: true };
}
