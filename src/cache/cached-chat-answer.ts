/**
 * @module cache/cached-chat-answer
 * A chat answer as the cache keeps it — the completion in the OpenAI shape and its normalised
 * usage — made from a whole answer or assembled from a stream as it passes, and turned back into
 * stream parts (a role-and-content chunk, a finish chunk, the usage) so a streamed request can be
 * answered from a cached answer in any inbound protocol.
 */
import type { ChatCompletion, ChatCompletionChunk, FinishReason, ToolCall } from '../../schemas/openai-chat.js';
import type { ChatStreamPart, NormalizedUsage } from '../../providers/types.js';

export interface CachedChatAnswer {
  completion: ChatCompletion;
  usage: NormalizedUsage | null;
}

/** The parts a stream of the cached answer is made of, in the order an upstream would send them. */
export async function* cachedAnswerParts(answer: CachedChatAnswer): AsyncGenerator<ChatStreamPart> {
  const { completion } = answer;
  const identity = { id: completion.id, object: 'chat.completion.chunk' as const, created: completion.created, model: completion.model, system_fingerprint: completion.system_fingerprint };
  const chunk = (choices: ChatCompletionChunk['choices']): ChatStreamPart => ({ type: 'chunk', chunk: { ...identity, choices } });
  yield chunk(
    completion.choices.map((choice) => ({
      index: choice.index,
      delta: {
        role: 'assistant',
        content: choice.message.content ?? '',
        ...(choice.message.tool_calls ? { tool_calls: choice.message.tool_calls.map((call, index) => ({ index, ...call })) } : {}),
      },
      finish_reason: null,
      logprobs: null,
    })),
  );
  yield chunk(completion.choices.map((choice) => ({ index: choice.index, delta: {}, finish_reason: choice.finish_reason, logprobs: null })));
  if (answer.usage) yield { type: 'usage', usage: answer.usage };
}

interface ChoiceSoFar {
  content: string;
  contentSeen: boolean;
  refusal: string | null;
  toolCalls: ToolCall[];
  finishReason: FinishReason | null;
}

/**
 * Builds the whole answer from stream parts as they pass. Anything it cannot read (a native
 * protocol's events, an event that is not a chunk) makes the answer unassemblable: not cached.
 */
export class ChatAnswerAssembler {
  private identity: Pick<ChatCompletion, 'id' | 'created' | 'model' | 'system_fingerprint'> | undefined;
  private readonly choices = new Map<number, ChoiceSoFar>();
  private usage: NormalizedUsage | null = null;
  private broken = false;

  add(part: ChatStreamPart): void {
    if (this.broken) return;
    switch (part.type) {
      case 'chunk':
        this.addChunk(part.chunk);
        return;
      case 'raw':
        for (const event of part.events) this.addRawEvent(event);
        return;
      case 'usage':
        this.usage = part.usage;
        return;
      case 'native':
        this.broken = true;
        return;
      default: {
        const unknownPart: never = part;
        throw new Error(`unknown stream part ${JSON.stringify(unknownPart)}`);
      }
    }
  }

  /** The whole answer, or undefined when it cannot be kept (unreadable, or some choice never finished). */
  answer(): CachedChatAnswer | undefined {
    if (this.broken || !this.identity || this.choices.size === 0) return undefined;
    const choices = [...this.choices.entries()].sort(([left], [right]) => left - right);
    if (choices.some(([, choice]) => choice.finishReason === null)) return undefined;
    const completion: ChatCompletion = {
      ...this.identity,
      object: 'chat.completion',
      choices: choices.map(([index, choice]) => ({
        index,
        message: {
          role: 'assistant',
          content: choice.contentSeen || choice.toolCalls.length === 0 ? choice.content : null,
          refusal: choice.refusal,
          ...(choice.toolCalls.length > 0 ? { tool_calls: choice.toolCalls } : {}),
        },
        finish_reason: choice.finishReason!,
        logprobs: null,
      })),
    };
    return { completion, usage: this.usage };
  }

  private addRawEvent(event: string): void {
    try {
      const chunk = JSON.parse(event) as ChatCompletionChunk;
      if (!Array.isArray(chunk.choices)) throw new Error('not a chunk');
      this.addChunk(chunk);
    } catch {
      this.broken = true;
    }
  }

  private addChunk(chunk: ChatCompletionChunk): void {
    this.identity ??= { id: chunk.id, created: chunk.created, model: chunk.model, system_fingerprint: chunk.system_fingerprint };
    for (const choice of chunk.choices) {
      let soFar = this.choices.get(choice.index);
      if (!soFar) this.choices.set(choice.index, (soFar = { content: '', contentSeen: false, refusal: null, toolCalls: [], finishReason: null }));
      const { delta } = choice;
      if (typeof delta?.content === 'string') {
        soFar.content += delta.content;
        if (delta.content.length > 0) soFar.contentSeen = true;
      }
      if (typeof delta?.refusal === 'string') soFar.refusal = (soFar.refusal ?? '') + delta.refusal;
      for (const call of delta?.tool_calls ?? []) {
        const existing = (soFar.toolCalls[call.index] ??= { id: '', type: 'function', function: { name: '', arguments: '' } });
        if (call.id) existing.id = call.id;
        if (call.function?.name) existing.function.name += call.function.name;
        if (call.function?.arguments) existing.function.arguments += call.function.arguments;
      }
      if (choice.finish_reason) soFar.finishReason = choice.finish_reason;
    }
  }
}
