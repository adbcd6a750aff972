/**
 * @module providers/gemini/provider
 * The adapter for the Gemini API (Google AI, generativelanguage.googleapis.com).
 *
 * It calls the REST API with undici on the provider's pooled keep-alive dispatcher rather than
 * through `@google/genai` 2.x. The SDK can take a base URL, headers, an AbortSignal and a custom
 * fetch, and passes thoughtSignature, functionCall.id, usage and promptFeedback through, but its
 * `ApiError` keeps only the status and a stringified body (no response headers), its allow-list
 * converters drop response fields it does not know yet, its stream parser throws on a last event
 * without a trailing blank line (a shape in the recordings), and against the fake Gemini it cost
 * about 0.4-0.8 ms more CPU per call (1.1-1.4k calls/s against 3-4.5k calls/s for this adapter,
 * mapping included). The calls are three plain POSTs: `{baseURL}/{apiVersion}/models/{model}`
 * `:generateContent`, `:streamGenerateContent?alt=sse` and `:batchEmbedContents`, with the key in
 * `x-goog-api-key` (never in the URL, so never in an access log).
 */
import type { Dispatcher } from 'undici';
import type { GeminiProviderConfig } from '../../schemas/config.js';
import type { ChatCompletionRequest } from '../../schemas/openai-chat.js';
import type { EmbeddingsRequest } from '../../schemas/openai-embeddings.js';
import { badRequest, GatewayError } from '../../src/errors/gateway-error.js';
import { createDispatcher, postUpstream } from '../shared/http-client.js';
import { responseLimitsOf, type ResponseLimits } from '../shared/response-limits.js';
import { translateAnswer, transportError } from '../shared/upstream-errors.js';
import { mapStreamErrors } from '../shared/map-stream-errors.js';
import { readBodyText, readErrorText, upstreamSseDecoder } from '../shared/upstream-response.js';
import type { CallContext, ChatResult, ChatStreamPart, EmbeddingsResult, ProviderAdapter } from '../types.js';
import { embeddingInputs, toBatchEmbedRequest, toEmbeddingsResponse, type BatchEmbedContentsResponse } from './embeddings.js';
import { geminiHttpError, geminiStreamError, type GoogleError } from './errors.js';
import { toGenerateContentRequest } from './request.js';
import { toChatCompletion, type GenerateContentResponse } from './response.js';
import { geminiChatStream } from './stream.js';

type Method = 'generateContent' | 'streamGenerateContent' | 'batchEmbedContents';

export class GeminiProvider implements ProviderAdapter {
  readonly type = 'gemini';
  private readonly dispatcher: Dispatcher;
  private readonly headers: Record<string, string>;
  private readonly baseURL: string;
  private readonly limits: ResponseLimits;

  constructor(
    readonly name: string,
    private readonly config: GeminiProviderConfig,
  ) {
    this.dispatcher = createDispatcher(config);
    this.headers = { ...config.headers, 'content-type': 'application/json', 'x-goog-api-key': config.apiKey };
    this.baseURL = `${config.baseURL.replace(/\/+$/, '')}/${encodeURIComponent(config.apiVersion)}`;
    this.limits = responseLimitsOf(config);
  }

  async chat(request: ChatCompletionRequest, context: CallContext): Promise<ChatResult> {
    const body = toGenerateContentRequest(request, this.name);
    const response = await this.postForJson<GenerateContentResponse>('generateContent', body, context);
    // A body with neither candidates nor prompt feedback would read as a blocked prompt: it is no answer at all.
    if (!Array.isArray(response.candidates) && !response.promptFeedback) throw this.invalidAnswer('an answer without candidates');
    return translateAnswer(this.name, () => toChatCompletion(response, { upstreamModel: context.upstreamModel, choiceCount: request.n ?? 1 }));
  }

  async streamChat(request: ChatCompletionRequest, context: CallContext): Promise<AsyncIterable<ChatStreamPart>> {
    const body = toGenerateContentRequest(request, this.name);
    const response = await this.post('streamGenerateContent', body, context);
    if (response.statusCode >= 400) throw await this.httpError(response);
    const completionContext = { upstreamModel: context.upstreamModel, choiceCount: request.n ?? 1 };
    const contentType = response.headers['content-type'];
    const parts = geminiChatStream(this.name, response.body, completionContext, {
      decoder: upstreamSseDecoder(this.name, this.limits),
      contentType: typeof contentType === 'string' ? contentType : undefined,
    });
    return this.guardStream(parts, context);
  }

  async embed(request: EmbeddingsRequest, context: CallContext): Promise<EmbeddingsResult> {
    const inputs = embeddingInputs(request, this.name);
    const body = toBatchEmbedRequest(inputs, modelPath(context.upstreamModel), request.dimensions);
    const response = await this.postForJson<BatchEmbedContentsResponse>('batchEmbedContents', body, context);
    return toEmbeddingsResponse(response, inputs, {
      provider: this.name,
      model: context.upstreamModel,
      encodingFormat: request.encoding_format,
    });
  }

  async close(): Promise<void> {
    // Called after the server has drained: whatever is still in flight upstream has no client left.
    await this.dispatcher.destroy();
  }

  private url(method: Method, upstreamModel: string): string {
    const [collection, name] = splitModelPath(upstreamModel);
    return `${this.baseURL}/${collection}/${encodeURIComponent(name)}:${method}${method === 'streamGenerateContent' ? '?alt=sse' : ''}`;
  }

  private post(method: Method, body: unknown, context: CallContext): Promise<Dispatcher.ResponseData> {
    return postUpstream({
      provider: this.name,
      url: this.url(method, context.upstreamModel),
      headers: this.headers,
      body: JSON.stringify(body),
      signal: context.signal,
      dispatcher: this.dispatcher,
      traceHeaders: context.traceHeaders,
    });
  }

  private async postForJson<T>(method: Method, body: unknown, context: CallContext): Promise<T> {
    const response = await this.post(method, body, context);
    if (response.statusCode >= 400) throw await this.httpError(response);
    const text = await readBodyText(this.name, response, this.limits.maxResponseBytes, context.signal);
    let answer: { error?: unknown };
    try {
      answer = JSON.parse(text);
    } catch {
      throw this.invalidAnswer('a body that is not JSON');
    }
    if (answer === null || typeof answer !== 'object' || Array.isArray(answer)) throw this.invalidAnswer('a body that is not a JSON object');
    // Google's error envelope behind a 200 (a proxy in between) is an error, not an empty answer.
    if (answer.error && typeof answer.error === 'object') throw geminiStreamError(this.name, answer.error as GoogleError);
    return answer as T;
  }

  private invalidAnswer(what: string): GatewayError {
    return new GatewayError(502, `${this.name} answered with ${what}`, { type: 'upstream_error', code: 'upstream_invalid_response' });
  }

  private async httpError(response: Dispatcher.ResponseData): Promise<GatewayError> {
    const text = await readErrorText(response);
    const retryAfter = response.headers['retry-after'];
    return geminiHttpError(this.name, response.statusCode, text, typeof retryAfter === 'string' ? retryAfter : null);
  }

  /** Socket errors, timeouts and client aborts in the middle of a stream become mapped errors. */
  private guardStream(parts: AsyncIterable<ChatStreamPart>, context: CallContext): AsyncIterable<ChatStreamPart> {
    return mapStreamErrors(parts, (error) => transportError(this.name, error, context.signal));
  }
}

/** `gemini-2.5-flash` → `models/gemini-2.5-flash`; `models/…` and `tunedModels/…` stay as they are. */
export function modelPath(upstreamModel: string): string {
  return splitModelPath(upstreamModel).join('/');
}

/**
 * The collection and the name. A client may pick the name (`directModels: true`), so it is one
 * escaped path segment, never `.`/`..` (which URL parsers resolve, even escaped, out of `/models`).
 */
function splitModelPath(upstreamModel: string): [string, string] {
  const match = /^(models|tunedModels)\/([^/]+)$/.exec(upstreamModel);
  const [collection, name] = match ? [match[1]!, match[2]!] : ['models', upstreamModel];
  if (/^(\.|%2e)+$/i.test(name) || name === '') throw badRequest(`"${upstreamModel}" is not a valid Gemini model name`, 'model');
  return [collection, name];
}
