/**
 * @module providers/mock/provider
 * A built-in provider that needs no network and no key: deterministic answers (see `answer.ts`),
 * configurable latency, chunking and token counts, tool calls, structured output and embeddings.
 * The default configuration serves it, and users develop and load-test against it.
 */
import { randomUUID } from 'node:crypto';
import { setTimeout as sleep } from 'node:timers/promises';
import type { MockProviderConfig } from '../../schemas/config.js';
import type { ChatCompletion, ChatCompletionRequest } from '../../schemas/openai-chat.js';
import type { EmbeddingsRequest } from '../../schemas/openai-embeddings.js';
import { toOpenAIUsage } from '../shared/openai-usage.js';
import { transportError } from '../shared/upstream-errors.js';
import type { CallContext, ChatResult, ChatStreamPart, EmbeddingsResult, ProviderAdapter } from '../types.js';
import { answerFor } from './answer.js';
import { mockEmbeddings } from './embeddings.js';
import { mockStreamParts, scaleUsage } from './stream.js';

export class MockProvider implements ProviderAdapter {
  readonly type = 'mock';

  constructor(
    readonly name: string,
    private readonly config: MockProviderConfig,
  ) {}

  async chat(request: ChatCompletionRequest, context: CallContext): Promise<ChatResult> {
    await this.wait(this.config.latencyMs, context);
    const answer = answerFor(request, context.upstreamModel, this.config);
    const choiceCount = request.n ?? 1;
    const usage = scaleUsage(answer, choiceCount);
    const completion: ChatCompletion = {
      id: `chatcmpl-${randomUUID()}`,
      object: 'chat.completion',
      created: Math.floor(Date.now() / 1000),
      model: context.upstreamModel,
      choices: Array.from({ length: choiceCount }, (_, index) => ({
        index,
        message: {
          role: 'assistant',
          content: answer.content,
          refusal: null,
          ...(answer.toolCalls.length > 0 ? { tool_calls: answer.toolCalls } : {}),
        },
        finish_reason: answer.finishReason,
        logprobs: null,
      })),
      usage: toOpenAIUsage(usage),
    };
    return { completion, usage };
  }

  async streamChat(request: ChatCompletionRequest, context: CallContext): Promise<AsyncIterable<ChatStreamPart>> {
    await this.wait(this.config.latencyMs, context);
    const answer = answerFor(request, context.upstreamModel, this.config);
    const identity = { id: `chatcmpl-${randomUUID()}`, created: Math.floor(Date.now() / 1000), model: context.upstreamModel };
    const parts = mockStreamParts(answer, request.n ?? 1, identity, this.config.chunks);
    return this.paced(parts, context);
  }

  async embed(request: EmbeddingsRequest, context: CallContext): Promise<EmbeddingsResult> {
    await this.wait(this.config.latencyMs, context);
    return mockEmbeddings(request, context.upstreamModel);
  }

  private async *paced(parts: Iterable<ChatStreamPart>, context: CallContext): AsyncGenerator<ChatStreamPart> {
    let first = true;
    for (const part of parts) {
      if (!first && part.type === 'chunk') await this.wait(this.config.chunkDelayMs, context);
      first = false;
      yield part;
    }
  }

  private async wait(milliseconds: number, context: CallContext): Promise<void> {
    if (milliseconds <= 0) return;
    try {
      await sleep(milliseconds, undefined, { signal: context.signal });
    } catch (error) {
      throw transportError(this.name, error, context.signal);
    }
  }
}
