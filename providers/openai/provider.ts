/**
 * @module providers/openai/provider
 * The adapter for OpenAI, Azure OpenAI and every OpenAI-compatible server (Ollama, vLLM, Groq...).
 * It does not use the `openai` SDK: the wire format is already the one Tollgate speaks, so bytes
 * stream through undici on a pooled keep-alive connection and only what metering needs is read.
 */
import type { Dispatcher } from 'undici';
import type { ChatCompletion, ChatCompletionRequest } from '../../schemas/openai-chat.js';
import type { EmbeddingsRequest, EmbeddingsResponse } from '../../schemas/openai-embeddings.js';
import { GatewayError } from '../../src/errors/gateway-error.js';
import { createDispatcher, postUpstream } from '../shared/http-client.js';
import { fromOpenAIUsage } from '../shared/openai-usage.js';
import { responseLimitsOf, type ResponseLimits } from '../shared/response-limits.js';
import { transportError } from '../shared/upstream-errors.js';
import { mapStreamErrors } from '../shared/map-stream-errors.js';
import { readBodyText, readErrorText, upstreamSseDecoder } from '../shared/upstream-response.js';
import type { CallContext, ChatResult, ChatStreamPart, EmbeddingsResult, ForwardRequest, ForwardResult, ProviderAdapter } from '../types.js';
import { openAIHttpError } from './errors.js';
import { chatBody, upstreamHeaders, upstreamUrl, type OpenAIFamilyConfig, type Operation } from './request.js';
import { passThroughChatStream } from './stream.js';
import { nativeResponsesResult, nativeResponsesStream } from './responses-native.js';
import { nativeBody } from '../shared/native-body.js';

export class OpenAIProvider implements ProviderAdapter {
  readonly type: string;
  private readonly dispatcher: Dispatcher;
  private readonly headers: Record<string, string>;
  private readonly limits: ResponseLimits;

  constructor(
    readonly name: string,
    private readonly config: OpenAIFamilyConfig,
  ) {
    this.type = config.type;
    this.dispatcher = createDispatcher(config);
    this.headers = upstreamHeaders(config);
    this.limits = responseLimitsOf(config);
  }

  async chat(request: ChatCompletionRequest, context: CallContext): Promise<ChatResult> {
    if (this.speaksResponses(context)) {
      return nativeResponsesResult(this.name, await this.postForText('responses', nativeBody(context.native!.rawBody, context.upstreamModel), context));
    }
    const text = await this.postForText('chat/completions', chatBody(request, context.upstreamModel, false, context.rawBody), context);
    const completion = this.parseAnswer<ChatCompletion>(text, 'choices');
    return { completion, json: text, usage: completion.usage ? fromOpenAIUsage(completion.usage) : null };
  }

  async streamChat(request: ChatCompletionRequest, context: CallContext): Promise<AsyncIterable<ChatStreamPart>> {
    if (this.speaksResponses(context)) {
      const response = await this.post('responses', nativeBody(context.native!.rawBody, context.upstreamModel), context);
      if (response.statusCode >= 400) throw await this.httpError(response);
      return this.guardStream(nativeResponsesStream(this.name, response.body), context);
    }
    const response = await this.post('chat/completions', chatBody(request, context.upstreamModel, true, context.rawBody), context);
    if (response.statusCode >= 400) throw await this.httpError(response);
    const contentType = response.headers['content-type'];
    const parts = passThroughChatStream(response.body, {
      provider: this.name,
      decoder: upstreamSseDecoder(this.name, this.limits),
      contentType: typeof contentType === 'string' ? contentType : undefined,
    });
    return this.guardStream(parts, context);
  }

  async embed(request: EmbeddingsRequest, context: CallContext): Promise<EmbeddingsResult> {
    const body = JSON.stringify({ ...request, model: context.upstreamModel });
    const text = await this.postForText('embeddings', body, context);
    const response = this.parseAnswer<EmbeddingsResponse>(text, 'data');
    const promptTokens = response.usage?.prompt_tokens ?? 0;
    return { response, json: text, usage: fromOpenAIUsage({ prompt_tokens: promptTokens, completion_tokens: 0 }) };
  }

  async forward(request: ForwardRequest, context: CallContext): Promise<ForwardResult> {
    const url = upstreamUrl(this.config, request.operation, context.upstreamModel);
    const headers = { ...this.headers, 'content-type': request.contentType };
    const response = await postUpstream({ provider: this.name, url, headers, body: request.body, signal: context.signal, dispatcher: this.dispatcher });
    if (response.statusCode >= 400) throw await this.httpError(response);
    const contentType = response.headers['content-type'];
    return { contentType: typeof contentType === 'string' ? contentType : 'application/octet-stream', body: response.body };
  }

  async close(): Promise<void> {
    // Called after the server has drained: whatever is still in flight upstream has no client left.
    await this.dispatcher.destroy();
  }

  /** OpenAI itself serves the Responses API; compatible servers and Azure's deployments may not, and get the translation. */
  private speaksResponses(context: CallContext): boolean {
    return context.native?.protocol === 'responses' && this.config.type === 'openai';
  }

  private post(operation: Operation, body: string | Uint8Array, context: CallContext): Promise<Dispatcher.ResponseData> {
    const url = upstreamUrl(this.config, operation, context.upstreamModel);
    return postUpstream({ provider: this.name, url, headers: this.headers, body, signal: context.signal, dispatcher: this.dispatcher, traceHeaders: context.traceHeaders });
  }

  private async postForText(operation: Operation, body: string | Uint8Array, context: CallContext): Promise<string> {
    const response = await this.post(operation, body, context);
    if (response.statusCode >= 400) throw await this.httpError(response);
    return readBodyText(this.name, response, this.limits.maxResponseBytes, context.signal);
  }

  private async httpError(response: Dispatcher.ResponseData): Promise<GatewayError> {
    const text = await readErrorText(response);
    const retryAfter = response.headers['retry-after'];
    return openAIHttpError(this.name, response.statusCode, text, typeof retryAfter === 'string' ? retryAfter : null);
  }

  /**
   * The parsed answer, once it is what a success must be: a JSON object holding `list` as an
   * array. Some compatible servers answer an error with a 200 and `{"error": ...}`: that is an
   * error, not an answer to pass on.
   */
  private parseAnswer<T>(text: string, list: 'choices' | 'data'): T {
    let answer: { error?: unknown } & Record<string, unknown>;
    try {
      answer = JSON.parse(text);
    } catch {
      throw this.invalidAnswer('a body that is not JSON');
    }
    if (answer === null || typeof answer !== 'object' || Array.isArray(answer)) throw this.invalidAnswer('a body that is not a JSON object');
    if (answer.error) throw openAIHttpError(this.name, 502, text, null);
    if (!Array.isArray(answer[list])) throw this.invalidAnswer(`an answer without \`${list}\``);
    return answer as T;
  }

  private invalidAnswer(what: string): GatewayError {
    return new GatewayError(502, `${this.name} answered with ${what}`, { type: 'upstream_error', code: 'upstream_invalid_response' });
  }

  /** Turns socket errors and timeouts in the middle of a stream into mapped gateway errors. */
  private guardStream(parts: AsyncIterable<ChatStreamPart>, context: CallContext): AsyncIterable<ChatStreamPart> {
    return mapStreamErrors(parts, (error) => transportError(this.name, error, context.signal));
  }
}

