/**
 * @module cache/response-cache
 * The response cache the request path uses: exact-match chat answers (looked up after the call
 * was admitted — scope and quotas apply to a hit like any call — and kept once an answer
 * completed), with hit and miss counts per model. The REST GET half is `http-cache.ts`, on the
 * same store. A store that fails is a miss (logged, throttled), never a failed call.
 */
import type { CacheConfig, ModelConfig } from '../../schemas/config.js';
import type { ChatCompletionRequest } from '../../schemas/openai-chat.js';
import type { ChatStreamPart } from '../../providers/types.js';
import { ThrottledWarning } from '../quotas/throttled-warning.js';
import { ChatAnswerAssembler, type CachedChatAnswer } from './cached-chat-answer.js';
import { chatCacheKey, type ChatCacheScope } from './chat-cache-key.js';
import { CacheStats } from './cache-stats.js';
import type { CacheStore } from './cache-store.js';
import { clientDirectives, type ClientDirectives } from './client-directives.js';

/** One chat call's way through the cache, decided before the call runs. */
export interface ChatCacheTicket {
  key: string;
  directives: ClientDirectives;
  publicModel: string;
}

export class ResponseCache {
  readonly stats = new CacheStats();
  private readonly unavailable = new ThrottledWarning('response cache store unavailable: answering without it');

  constructor(
    readonly store: CacheStore,
    readonly config: CacheConfig,
    private readonly models: Record<string, ModelConfig>,
  ) {}

  /** The call's cache ticket, or undefined when its answers are not cached (off for the model, or `no-store`). */
  chatTicket(scope: ChatCacheScope, request: ChatCompletionRequest, cacheControl: string | undefined): ChatCacheTicket | undefined {
    const enabled = this.models[scope.publicModel]?.cache ?? this.config.enabled;
    if (!enabled) return undefined;
    const directives = clientDirectives(cacheControl);
    if (!directives.lookup && !directives.store) return undefined;
    return { key: chatCacheKey(scope, request), directives, publicModel: scope.publicModel };
  }

  /** The kept answer, if the client allows answering from the cache and there is one. */
  async lookupChat(ticket: ChatCacheTicket): Promise<CachedChatAnswer | undefined> {
    if (!ticket.directives.lookup) return undefined;
    let answer: CachedChatAnswer | undefined;
    try {
      const text = await this.store.get(ticket.key);
      answer = text === undefined ? undefined : (JSON.parse(text) as CachedChatAnswer);
    } catch (error) {
      this.unavailable.warn({ error: String(error) });
    }
    this.stats.model(ticket.publicModel, answer !== undefined);
    return answer;
  }

  /** Keeps a completed answer (in the background: the client never waits for the store). */
  keepChat(ticket: ChatCacheTicket, answer: CachedChatAnswer): void {
    if (!ticket.directives.store) return;
    const text = JSON.stringify(answer);
    if (text.length > this.config.maxEntryBytes) return;
    this.store.set(ticket.key, text, this.config.ttlSeconds * 1000).catch((error) => this.unavailable.warn({ error: String(error) }));
  }

  /** The stream as it comes, kept once it completed whole (a stream cut short or abandoned is not). */
  async *keepStream(ticket: ChatCacheTicket, parts: AsyncIterable<ChatStreamPart>): AsyncGenerator<ChatStreamPart> {
    const assembler = ticket.directives.store ? new ChatAnswerAssembler() : undefined;
    for await (const part of parts) {
      assembler?.add(part);
      yield part;
    }
    const answer = assembler?.answer();
    if (answer) this.keepChat(ticket, answer);
  }
}
