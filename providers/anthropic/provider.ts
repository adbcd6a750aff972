/**
 * @module providers/anthropic/provider
 * The Anthropic adapter, on the official `@anthropic-ai/sdk` client. The client is built once per
 * configured provider, on a pooled keep-alive undici dispatcher, with the SDK's own retries off:
 * retrying and falling back belong to Tollgate's router. Every call carries the caller's abort
 * signal, so a client that goes away cancels the upstream request too.
 */
import Anthropic from '@anthropic-ai/sdk';
import type { Agent } from 'undici';
import type { AnthropicProviderConfig } from '../../schemas/config.js';
import type { ChatCompletionRequest } from '../../schemas/openai-chat.js';
import { registerSecret } from '../../src/logging/logger.js';
import { createDispatcher, fetchWithDispatcher } from '../shared/http-client.js';
import type { CallContext, ChatResult, ChatStreamPart, ProviderAdapter } from '../types.js';
import { toGatewayError } from './errors.js';
import { acceptsSamplingParameters, toAnthropicRequest, type AnthropicRequest } from './request.js';
import { toChatResult } from './response.js';
import { toChatStreamParts } from './stream.js';

export class AnthropicProvider implements ProviderAdapter {
  readonly type = 'anthropic';
  private readonly dispatcher: Agent;
  private readonly client: Anthropic;
  private readonly samplingParameters: boolean;

  constructor(
    readonly name: string,
    private readonly config: AnthropicProviderConfig,
  ) {
    // Redacted from logs and error messages even if an upstream echoes it back.
    registerSecret(config.apiKey);
    this.samplingParameters = acceptsSamplingParameters(config.headers);
    this.dispatcher = createDispatcher(config);
    this.client = new Anthropic({
      baseURL: config.baseURL,
      apiKey: config.apiKey,
      defaultHeaders: config.headers,
      maxRetries: 0,
      timeout: config.timeoutMs,
      fetch: fetchWithDispatcher(this.dispatcher),
    });
  }

  async chat(request: ChatCompletionRequest, context: CallContext): Promise<ChatResult> {
    const body = this.toRequest(request, context);
    try {
      const message = await this.client.messages.create({ ...body, stream: false }, { signal: context.signal });
      return toChatResult(message);
    } catch (error) {
      throw toGatewayError(this.name, error, context.signal);
    }
  }

  /**
   * `withResponse()` settles once the upstream has answered with headers: an error status has been
   * thrown by then, so a 429 still reaches the client as an HTTP 429; the body is read lazily.
   */
  async streamChat(request: ChatCompletionRequest, context: CallContext): Promise<AsyncIterable<ChatStreamPart>> {
    const body = this.toRequest(request, context);
    try {
      const { data: events } = await this.client.messages
        .create({ ...body, stream: true }, { signal: context.signal })
        .withResponse();
      return toChatStreamParts(events, { provider: this.name, model: context.upstreamModel, signal: context.signal });
    } catch (error) {
      throw toGatewayError(this.name, error, context.signal);
    }
  }

  async close(): Promise<void> {
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
}
