/**
 * @module providers/types
 * The contract between the gateway and a provider adapter. An adapter takes a validated
 * OpenAI-shaped request and answers in the OpenAI shape, with usage normalised and failures thrown
 * as `GatewayError`. It knows nothing about tenants, quotas or money.
 */
import type { ChatCompletion, ChatCompletionChunk, ChatCompletionRequest } from '../schemas/openai-chat.js';
import type { EmbeddingsRequest, EmbeddingsResponse } from '../schemas/openai-embeddings.js';

/**
 * Token counts in disjoint buckets, so that cost is a plain sum of bucket × rate and nothing is
 * counted twice: `inputTokens` excludes cache reads and cache writes; `outputTokens` excludes
 * reasoning tokens. `raw` keeps the provider's own figures for the ledger.
 */
export interface NormalizedUsage {
  inputTokens: number;
  cachedInputTokens: number;
  cacheWriteTokens: number;
  outputTokens: number;
  reasoningTokens: number;
  raw?: unknown;
}

export interface CallContext {
  /** The provider's own name for the model. */
  upstreamModel: string;
  /** Aborted when the client goes away or the gateway gives up; adapters pass it upstream. */
  signal: AbortSignal;
  requestId: string;
  /**
   * The client's exact request body, when the request is the client's own (not rendered by
   * Tollgate): an adapter that would send the same JSON may forward these bytes instead.
   */
  rawBody?: Uint8Array;
  /** W3C `traceparent`/`tracestate` for the upstream request, when the call is traced or came with them. */
  traceHeaders?: Record<string, string>;
  /**
   * The client's own request in another protocol (Anthropic Messages, OpenAI Responses). An
   * adapter whose upstream speaks that protocol natively forwards it with only the model changed
   * and answers with `ChatResult.native` or `native` stream parts; any other adapter ignores it
   * and serves the translated chat request.
   */
  native?: NativeRequest;
}

export interface NativeRequest {
  protocol: 'anthropic' | 'responses';
  /** The client's exact body. */
  rawBody: Uint8Array;
  /** The client's headers that say how to read the body (`anthropic-version`, `anthropic-beta`). */
  headers: Record<string, string>;
}

/** What a streamed chat yields, in order. */
export type ChatStreamPart =
  /** A chunk translated from a provider's own events. */
  | { type: 'chunk'; chunk: ChatCompletionChunk }
  /**
   * Chunks from an OpenAI-shaped upstream, already JSON, forwarded byte for byte: the `data`
   * payloads of the events that arrived in one network read.
   */
  | { type: 'raw'; events: string[] }
  /**
   * The call's usage, once known. `json` is the upstream's own usage-only chunk when it sent one;
   * `inline` says the usage already travelled inside a forwarded content chunk.
   */
  | { type: 'usage'; usage: NormalizedUsage; json?: string; inline?: boolean }
  /** An event of a native pass-through stream (see `CallContext.native`), forwarded as it came. */
  | { type: 'native'; event: string | undefined; data: string };

export interface ChatResult {
  completion: ChatCompletion;
  /** The upstream's own body when it is already the OpenAI shape: sent as is, never re-serialised. */
  json?: string;
  /** The upstream's own body in the client's protocol, for a native pass-through (see `CallContext.native`). */
  native?: string;
  usage: NormalizedUsage | null;
}

export interface EmbeddingsResult {
  response: EmbeddingsResponse;
  json?: string;
  usage: NormalizedUsage;
}

export interface ProviderAdapter {
  /** The provider's name in the configuration. */
  readonly name: string;
  readonly type: string;
  chat(request: ChatCompletionRequest, context: CallContext): Promise<ChatResult>;
  /**
   * Resolves once the upstream has accepted the request (so an upstream 4xx/5xx still becomes an
   * HTTP status), then yields parts as they arrive. Errors after that are thrown from the iterator.
   */
  streamChat(request: ChatCompletionRequest, context: CallContext): Promise<AsyncIterable<ChatStreamPart>>;
  /** Absent when the provider has no embeddings API. */
  embed?(request: EmbeddingsRequest, context: CallContext): Promise<EmbeddingsResult>;
  /**
   * An OpenAI-shaped images, audio or moderations call, sent to the same path upstream; absent for
   * providers without those APIs. Resolves once the upstream answered 2xx (failures are thrown,
   * mapped); the answer's body is read by the caller.
   */
  forward?(request: ForwardRequest, context: CallContext): Promise<ForwardResult>;
  /** Releases pooled connections. */
  close?(): Promise<void>;
}

export type ForwardOperation = 'images/generations' | 'audio/transcriptions' | 'audio/speech' | 'moderations';

export interface ForwardRequest {
  operation: ForwardOperation;
  /** JSON text or bytes, or a stream of bytes (a multipart upload). */
  body: string | Uint8Array | AsyncIterable<Uint8Array>;
  contentType: string;
}

export interface ForwardResult {
  contentType: string;
  /** The upstream's body, as it arrives. */
  body: AsyncIterable<Uint8Array> & { text(): Promise<string> };
}

export function emptyUsage(): NormalizedUsage {
  return { inputTokens: 0, cachedInputTokens: 0, cacheWriteTokens: 0, outputTokens: 0, reasoningTokens: 0 };
}
