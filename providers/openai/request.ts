/**
 * @module providers/openai/request
 * Where to send an OpenAI-shaped request and what to send. OpenAI and OpenAI-compatible servers
 * take the client's body nearly as is: only `model` changes, and on streams Tollgate always asks
 * for usage (`stream_options.include_usage`) because metering needs it; whether the client sees
 * the usage chunk is decided later. Azure OpenAI names the deployment in the URL instead.
 */
import type { AzureOpenAIProviderConfig, OpenAIProviderConfig } from '../../schemas/config.js';
import type { ChatCompletionRequest } from '../../schemas/openai-chat.js';

export type OpenAIFamilyConfig = OpenAIProviderConfig | AzureOpenAIProviderConfig;
export type Operation = 'chat/completions' | 'embeddings';

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
 * The body to send: the client's own bytes when they already say what upstream needs (same model
 * name; on streams, usage already asked for) — no re-serialising a large prompt — else a shallow
 * copy with the upstream model; nested objects are shared, never deep-copied.
 */
export function chatBody(request: ChatCompletionRequest, upstreamModel: string, stream: boolean, rawBody?: string): string {
  if (rawBody !== undefined && request.model === upstreamModel && (!stream || request.stream_options?.include_usage === true)) return rawBody;
  if (!stream) return JSON.stringify({ ...request, model: upstreamModel });
  return JSON.stringify({
    ...request,
    model: upstreamModel,
    stream: true,
    stream_options: { ...request.stream_options, include_usage: true },
  });
}
