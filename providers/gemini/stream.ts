/**
 * @module providers/gemini/stream
 * Gemini's `streamGenerateContent?alt=sse` → OpenAI chat chunks.
 * Each SSE event is one `data: {GenerateContentResponse}` holding only what is new (text pieces;
 * function calls arrive whole, never split); there is no `[DONE]`: the stream just closes.
 *
 * Per choice: the first chunk carries `role: 'assistant'`; text → `content` deltas; each function
 * call → one tool-call delta with its `index`, `id`, `type`, `name` and complete `arguments`. When
 * the stream closes, each choice gets a final chunk with an empty delta and the `finish_reason` of
 * the last `finishReason` Gemini sent for it; a blocked prompt (no candidates,
 * `promptFeedback.blockReason`) ends every choice with `content_filter`. Then the usage (each event
 * repeats the running totals; the last one wins) is yielded once.
 * An `{"error": …}` event is thrown as a mapped `GatewayError`. A stream is complete once a
 * candidate has said why it finished (`finishReason`) or the prompt was blocked: one that closes
 * before that (cut off, an HTML page, nothing at all) is an upstream error, billed for the usage
 * reported so far.
 */
import type { ChatCompletionChunk, ChatCompletionChunkChoice, ToolCallDelta } from '../../schemas/openai-chat.js';
import { readSseEvents, SseDecoder } from '../shared/sse-decoder.js';
import { invalidStreamEvent, streamEndedEarly } from '../shared/stream-errors.js';
import type { ChatStreamPart } from '../types.js';
import { geminiStreamError, type GoogleError } from './errors.js';
import { mapFinishReason } from './finish-reason.js';
import { completionId, readParts, type CompletionContext, type GeminiCandidate, type GenerateContentResponse } from './response.js';
import { mapUsage, type GeminiUsageMetadata } from './usage.js';

export interface GeminiStreamOptions {
  /** The bounded decoder the bytes go through (see `upstreamSseDecoder`). */
  decoder?: SseDecoder;
  /** The answer's content type, to say what came instead of a stream. */
  contentType?: string;
}

export async function* geminiChatStream(
  provider: string,
  body: AsyncIterable<Uint8Array>,
  context: CompletionContext,
  { decoder = new SseDecoder(), contentType }: GeminiStreamOptions = {},
): AsyncGenerator<ChatStreamPart> {
  const mapper = new GeminiStreamMapper(context);
  let events = 0;
  for await (const { data } of readSseEvents(body, decoder)) {
    if (data.trim() === '') continue;
    events++;
    for (const chunk of mapper.push(parseEvent(provider, data))) yield { type: 'chunk', chunk };
  }
  if (!mapper.complete) {
    if (mapper.usage) yield { type: 'usage', usage: mapUsage(mapper.usage) };
    throw streamEndedEarly(provider, { events, bytes: decoder.bytesReceived, contentType, terminal: 'finishReason' });
  }
  for (const chunk of mapper.finish()) yield { type: 'chunk', chunk };
  if (mapper.usage) yield { type: 'usage', usage: mapUsage(mapper.usage) };
}

function parseEvent(provider: string, data: string): GenerateContentResponse {
  let event: GenerateContentResponse;
  try {
    event = JSON.parse(data);
  } catch {
    throw invalidStreamEvent(provider);
  }
  if (event === null || typeof event !== 'object' || Array.isArray(event)) throw invalidStreamEvent(provider, 'a stream event that is not a JSON object');
  if (event.error && typeof event.error === 'object') throw geminiStreamError(provider, event.error as GoogleError);
  return event;
}

interface ChoiceState {
  announced: boolean;
  toolCalls: number;
  /** The latest finish reason seen: older models repeat STOP on every event, then say RECITATION. */
  finishReason: string | null;
}

/** Stateful: one per stream. `push` each event in order, then `finish` once, when the stream closes. */
export class GeminiStreamMapper {
  started = false;
  usage: GeminiUsageMetadata | undefined;
  private id = '';
  private model = '';
  private blocked = false;
  private finishReasons = 0;
  private readonly created = Math.floor(Date.now() / 1000);
  private readonly choices = new Map<number, ChoiceState>();

  constructor(private readonly context: CompletionContext) {}

  /** Gemini has no end-of-stream event: a stream is complete once a candidate finished or the prompt was blocked. */
  get complete(): boolean {
    return this.blocked || this.finishReasons > 0;
  }

  push(event: GenerateContentResponse): ChatCompletionChunk[] {
    if (!this.started) {
      this.started = true;
      this.id = completionId(event.responseId);
      this.model = event.modelVersion || this.context.upstreamModel;
    }
    if (event.usageMetadata) this.usage = event.usageMetadata;
    if (event.promptFeedback?.blockReason) this.blocked = true;
    const candidates = event.candidates ?? [];
    return candidates.flatMap((candidate, position) => this.candidateChunks(candidate, candidate.index ?? position));
  }

  /**
   * The finish chunks, one per choice, sent when the stream closes rather than when a finish
   * reason first appears, since a later event may still carry text or a different reason.
   */
  finish(): ChatCompletionChunk[] {
    if (this.choices.size === 0) for (let index = 0; index < Math.max(1, this.context.choiceCount); index++) this.state(index);
    return [...this.choices.entries()].map(([index, state]) => {
      const reason = this.blocked ? 'content_filter' : mapFinishReason(state.finishReason, state.toolCalls > 0);
      return this.chunk({ index, delta: this.announce(state), logprobs: null, finish_reason: reason });
    });
  }

  private candidateChunks(candidate: GeminiCandidate, index: number): ChatCompletionChunk[] {
    const state = this.state(index);
    if (candidate.finishReason) {
      state.finishReason = candidate.finishReason;
      this.finishReasons++;
    }
    const { text, toolCalls } = readParts(candidate.content?.parts);
    if (!text && toolCalls.length === 0) return [];
    const delta: ChatCompletionChunkChoice['delta'] = this.announce(state);
    if (text) delta.content = text;
    if (toolCalls.length > 0) {
      delta.tool_calls = toolCalls.map((call): ToolCallDelta => ({ index: state.toolCalls++, ...call }));
    }
    return [this.chunk({ index, delta, logprobs: null, finish_reason: null })];
  }

  /** The delta to start from: `role` on a choice's first chunk only. */
  private announce(state: ChoiceState): ChatCompletionChunkChoice['delta'] {
    if (state.announced) return {};
    state.announced = true;
    return { role: 'assistant' };
  }

  private state(index: number): ChoiceState {
    let state = this.choices.get(index);
    if (!state) {
      state = { announced: false, toolCalls: 0, finishReason: null };
      this.choices.set(index, state);
    }
    return state;
  }

  private chunk(choice: ChatCompletionChunkChoice): ChatCompletionChunk {
    return { id: this.id, object: 'chat.completion.chunk', created: this.created, model: this.model, choices: [choice] };
  }
}
