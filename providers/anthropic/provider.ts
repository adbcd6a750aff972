/**
 * @module providers/anthropic/provider
 * The Anthropic adapter. It calls the Messages API with undici `request()` on the provider's
 * pooled keep-alive dispatcher (which also sets the connect, header and body timeouts) rather than
 * through `@anthropic-ai/sdk`, for CPU: `npm run bench` put an Anthropic call at ~1,100 µs of CPU
 * against ~270 µs for the OpenAI pass-through, most of it in the SDK's request building, fetch
 * wrapper and SSE parsing. Against the fake Anthropic API (3,000 warm calls, one at a time) the
 * SDK path cost 0.7–1.2 ms of CPU per non-streamed call and ~0.9 ms per streamed one; these direct
 * calls ~0.12 ms and ~0.21 ms, translation included. The call is one POST to `{baseURL}/v1/messages`
 * with the headers SDK 1.x sent (see transport.ts), no retries (retrying and falling back belong
 * to Tollgate's router), and the caller's abort signal, so a client that goes away cancels the
 * upstream request too. The SDK is still a dependency for its wire types (`import type` in
 * request.ts); none of its code runs.
 */
import type { Dispatcher } from 'undici';
import type { AnthropicProviderConfig } from '../../schemas/config.js';
import type { ChatCompletionRequest } from '../../schemas/openai-chat.js';
import { GatewayError } from '../../src/errors/gateway-error.js';
import { registerSecret } from '../../src/logging/logger.js';
import { createDispatcher, postUpstream } from '../shared/http-client.js';
import { responseLimitsOf, type ResponseLimits } from '../shared/response-limits.js';
import { translateAnswer, transportError } from '../shared/upstream-errors.js';
import { mapStreamErrors } from '../shared/map-stream-errors.js';
import { readBodyText, readErrorText, upstreamSseDecoder } from '../shared/upstream-response.js';
import type { CallContext, ChatResult, ChatStreamPart, ProviderAdapter } from '../types.js';
import { anthropicErrorFromPayload, anthropicHttpError, type AnthropicErrorPayload } from './errors.js';
import { acceptsSamplingParameters, toAnthropicRequest, type AnthropicRequest } from './request.js';
import { toChatResult, type AnthropicMessage } from './response.js';
import { anthropicChatStream } from './stream.js';
import { anthropicHeaders, messagesUrl } from './transport.js';
import { nativeAnthropicStream, nativeHeaders } from './native.js';
import { nativeBody } from '../shared/native-body.js';
import type { NativeRequest } from '../types.js';

export class AnthropicProvider implements ProviderAdapter {
  readonly type = 'anthropic';
  private readonly dispatcher: Dispatcher;
  private readonly headers: Record<string, string>;
  private readonly url: string;
  private readonly samplingParameters: boolean;
  private readonly limits: ResponseLimits;

  constructor(
    readonly name: string,
    private readonly config: AnthropicProviderConfig,
  ) {
    // Redacted from logs and error messages even if an upstream echoes it back.
    registerSecret(config.apiKey);
    this.samplingParameters = acceptsSamplingParameters(config.headers);
    this.dispatcher = createDispatcher(config);
    this.headers = anthropicHeaders(config.apiKey, config.headers);
    this.url = messagesUrl(config.baseURL);
    this.limits = responseLimitsOf(config);
  }

  async chat(request: ChatCompletionRequest, context: CallContext): Promise<ChatResult> {
    const native = context.native?.protocol === 'anthropic' ? context.native : undefined;
    const body = native ? undefined : this.toRequest(request, context);
    if (body) body.stream = false;
    const response = native ? await this.postNative(native, context) : await this.post(body!, context);
    if (response.statusCode >= 400) throw await this.httpError(response, context);
    const text = await readBodyText(this.name, response, this.limits.maxResponseBytes, context.signal);
    const result = translateAnswer(this.name, () => toChatResult(this.parseMessage(text)));
    return native ? { ...result, native: text } : result;
  }

  /** Settles once the upstream has answered 200, so that an upstream 429 is still an HTTP 429; the body is read as it is iterated. */
  async streamChat(request: ChatCompletionRequest, context: CallContext): Promise<AsyncIterable<ChatStreamPart>> {
    if (context.native?.protocol === 'anthropic') {
      const response = await this.postNative(context.native, context);
      if (response.statusCode >= 400) throw await this.httpError(response, context);
      return this.guardNative(nativeAnthropicStream(this.name, response.body), context);
    }
    const body = this.toRequest(request, context);
    body.stream = true;
    const response = await this.post(body, context);
    if (response.statusCode >= 400) throw await this.httpError(response, context);
    const contentType = response.headers['content-type'];
    return anthropicChatStream(response.body, {
      provider: this.name,
      model: context.upstreamModel,
      signal: context.signal,
      contentType: typeof contentType === 'string' ? contentType : undefined,
      decoder: upstreamSseDecoder(this.name, this.limits),
      includeUsage: request.stream_options?.include_usage === true,
    });
  }

  async close(): Promise<void> {
    // Called after the server has drained: whatever is still in flight upstream has no client left.
    await this.dispatcher.destroy();
  }

  private toRequest(request: ChatCompletionRequest, context: CallContext): AnthropicRequest {
    return toAnthropicRequest(request, {
      provider: this.name,
      model: context.upstreamModel,
      defaultMaxTokens: this.config.defaultMaxTokens,
      samplingParameters: this.samplingParameters,
    });
  }

  private post(body: AnthropicRequest, context: CallContext): Promise<Dispatcher.ResponseData> {
    const { name: provider, url, headers, dispatcher } = this;
    return postUpstream({ provider, url, headers, body: JSON.stringify(body), signal: context.signal, dispatcher, traceHeaders: context.traceHeaders });
  }

  /** The client's own Messages body, with the upstream model, for an Anthropic client (see native.ts). */
  private postNative(native: NativeRequest, context: CallContext): Promise<Dispatcher.ResponseData> {
    const { name: provider, url, dispatcher } = this;
    const body = nativeBody(native.rawBody, context.upstreamModel);
    return postUpstream({ provider, url, headers: nativeHeaders(this.headers, native), body, signal: context.signal, dispatcher });
  }

  private guardNative(parts: AsyncIterable<ChatStreamPart>, context: CallContext): AsyncIterable<ChatStreamPart> {
    return mapStreamErrors(parts, (error) => (error instanceof GatewayError ? error : transportError(this.name, error, context.signal)));
  }

  private async httpError(response: Dispatcher.ResponseData, context: CallContext): Promise<GatewayError> {
    const text = await readErrorText(response);
    // The caller left while the error came in: that is what the client is told, as for any abort.
    if (context.signal.aborted) return transportError(this.name, context.signal.reason, context.signal);
    return anthropicHttpError(this.name, response.statusCode, text, response.headers);
  }

  private parseMessage(text: string): AnthropicMessage {
    let message: unknown;
    try {
      message = JSON.parse(text);
    } catch {
      message = undefined;
    }
    if (message === null || typeof message !== 'object' || Array.isArray(message)) throw this.invalidAnswer('a body that is not a JSON object');
    // An error body behind a 200 (a proxy in between) is an error, not an empty completion.
    if ((message as { type?: unknown }).type === 'error') throw anthropicErrorFromPayload(this.name, message as AnthropicErrorPayload);
    if (!Array.isArray((message as { content?: unknown }).content)) throw this.invalidAnswer('a message without `content`');
    return message as AnthropicMessage;
  }

  private invalidAnswer(what: string): GatewayError {
    return new GatewayError(502, `${this.name} answered with ${what}`, { type: 'upstream_error', code: 'upstream_invalid_response' });
  }
}
