/**
 * @module providers/anthropic/stream
 * Anthropic stream events → `ChatStreamPart`s. Anthropic sends message_start (id, model, input
 * usage) → per content block: content_block_start, content_block_delta*, content_block_stop →
 * message_delta (stop reason, cumulative output usage) → message_stop, with `ping`s anywhere.
 * OpenAI clients expect: a first chunk with the role, content and tool-call deltas (a tool call's
 * first chunk names it; later ones carry only `index` and argument pieces), a last chunk with
 * `finish_reason`; then, for metering, the usage once.
 *
 * `readAnthropicEvents` turns the response body (SSE `event:` + `data:` frames) into those events:
 * `ping`s are skipped, every other frame's `data` must be one JSON event (a frame without an event
 * name too, if it has data: it must then name its `type`), and `event: error` is an error whatever
 * its data says. A stream is complete only with `message_stop`: one that closes before it (cut
 * off, an HTML page, nothing at all) is an upstream error, billed for the usage reported so far.
 * @see https://docs.anthropic.com/en/docs/build-with-claude/streaming
 */
import type { ChatCompletionChunkChoice, FinishReason } from '../../schemas/openai-chat.js';
import { SseDecoder, type SseEvent } from '../shared/sse-decoder.js';
import { invalidStreamEvent, streamEndedEarly } from '../shared/stream-errors.js';
import type { ChatStreamPart } from '../types.js';
import { anthropicErrorFromPayload, errorEventPayload, toGatewayError, type AnthropicErrorPayload } from './errors.js';
import { mapFinishReason } from './finish-reason.js';
import type { AnthropicContentBlock, AnthropicMessage } from './response.js';
import { mergeStreamUsage, normalizeAnthropicUsage, type AnthropicUsage } from './usage.js';

/** Any stream event, leniently: only the fields read here. Unknown event types are skipped. */
export interface AnthropicStreamEvent {
  type: string;
  index?: number;
  message?: AnthropicMessage;
  content_block?: AnthropicContentBlock;
  delta?: { type?: string; text?: string; partial_json?: string; stop_reason?: string | null };
  usage?: AnthropicUsage | null;
  error?: AnthropicErrorPayload['error'];
}

type Delta = ChatCompletionChunkChoice['delta'];

/** Holds what one stream has said so far; `map` turns each event into the parts it completes. */
export class AnthropicStreamMapper {
  private id = '';
  private readonly created = Math.floor(Date.now() / 1000);
  /** Anthropic block index → OpenAI tool call index (0, 1, 2… among tool calls only). */
  private readonly toolIndexes = new Map<number, number>();
  private startUsage: AnthropicUsage | null | undefined;
  private deltaUsage: AnthropicUsage | null | undefined;
  private stopReason: string | null | undefined;
  /** `message_stop` arrived: the message is complete. */
  finished = false;

  constructor(
    private readonly provider: string,
    private model: string,
  ) {}

  map(event: AnthropicStreamEvent): ChatStreamPart[] {
    if (this.finished) return [];
    switch (event.type) {
      case 'message_start':
        return this.onMessageStart(event);
      case 'content_block_start':
        return this.onBlockStart(event);
      case 'content_block_delta':
        return this.onBlockDelta(event);
      case 'message_delta':
        this.stopReason = event.delta?.stop_reason ?? this.stopReason;
        this.deltaUsage = event.usage ?? this.deltaUsage;
        return [];
      case 'message_stop':
        return this.finish();
      case 'error':
        throw anthropicErrorFromPayload(this.provider, event);
      // ping, content_block_stop, and event types newer than this code carry nothing for OpenAI.
      default:
        return [];
    }
  }

  /**
   * The usage of a stream that stopped before `message_stop`, once `message_delta` has reported
   * the output count: what was generated is billed as reported rather than estimated.
   */
  reportedUsage(): ChatStreamPart | undefined {
    if (this.finished || this.deltaUsage == null) return undefined;
    return { type: 'usage', usage: normalizeAnthropicUsage(mergeStreamUsage(this.startUsage, this.deltaUsage)) };
  }

  private onMessageStart(event: AnthropicStreamEvent): ChatStreamPart[] {
    this.id = event.message?.id ?? this.id;
    this.model = event.message?.model ?? this.model;
    this.startUsage = event.message?.usage;
    return [this.chunk({ role: 'assistant', content: '' })];
  }

  private onBlockStart(event: AnthropicStreamEvent): ChatStreamPart[] {
    const block = event.content_block;
    if (block?.type === 'text' && block.text) return [this.chunk({ content: block.text })];
    if (block?.type !== 'tool_use') return [];
    const index = this.toolIndexes.size;
    this.toolIndexes.set(event.index ?? -1, index);
    const input = block.input;
    // The API sends `{}` here and the input as deltas; a complete input is sent as is.
    const initial = input && typeof input === 'object' && Object.keys(input).length > 0 ? JSON.stringify(input) : '';
    return [
      this.chunk({
        tool_calls: [{ index, id: block.id ?? '', type: 'function', function: { name: block.name ?? '', arguments: initial } }],
      }),
    ];
  }

  private onBlockDelta(event: AnthropicStreamEvent): ChatStreamPart[] {
    const delta = event.delta;
    switch (delta?.type) {
      case 'text_delta':
        return delta.text ? [this.chunk({ content: delta.text })] : [];
      case 'input_json_delta': {
        const index = this.toolIndexes.get(event.index ?? -1);
        if (index === undefined || !delta.partial_json) return [];
        return [this.chunk({ tool_calls: [{ index, function: { arguments: delta.partial_json } }] })];
      }
      // thinking_delta, signature_delta, citations_delta: not part of an OpenAI message.
      default:
        return [];
    }
  }

  private finish(): ChatStreamPart[] {
    this.finished = true;
    const usage = normalizeAnthropicUsage(mergeStreamUsage(this.startUsage, this.deltaUsage));
    return [this.chunk({}, mapFinishReason(this.stopReason)), { type: 'usage', usage }];
  }

  private chunk(delta: Delta, finishReason: FinishReason | null = null): ChatStreamPart {
    return {
      type: 'chunk',
      chunk: {
        id: this.id,
        object: 'chat.completion.chunk',
        created: this.created,
        model: this.model,
        choices: [{ index: 0, delta, finish_reason: finishReason, logprobs: null }],
      },
    };
  }
}

export interface StreamOptions {
  provider: string;
  /** Reported until message_start names the model. */
  model: string;
  signal?: AbortSignal;
  /** The answer's content type, to say what came instead of a stream. */
  contentType?: string;
  /** The bytes the body carried so far (the decoder's count), to tell an empty body from a cut one. */
  bytesReceived?: () => number;
}

/** An SSE body → Anthropic's stream events, as they arrive. Transport errors are thrown as they come. */
export async function* readAnthropicEvents(provider: string, body: AsyncIterable<Uint8Array>, decoder = new SseDecoder()): AsyncGenerator<AnthropicStreamEvent> {
  for await (const bytes of body) {
    for (const frame of decoder.push(bytes)) {
      const event = toStreamEvent(provider, frame);
      if (event) yield event;
    }
  }
  for (const frame of decoder.end()) {
    const event = toStreamEvent(provider, frame);
    if (event) yield event;
  }
}

function toStreamEvent(provider: string, frame: SseEvent): AnthropicStreamEvent | undefined {
  if (frame.event === 'ping') return undefined;
  // The event name decides, so an error reaches the mapper's `error` case even if its data is not the usual JSON.
  if (frame.event === 'error') return { ...errorEventPayload(frame.data), type: 'error' };
  if (!frame.data) return undefined;
  let event: unknown;
  try {
    event = JSON.parse(frame.data);
  } catch {
    event = undefined;
  }
  if (event === null || typeof event !== 'object' || Array.isArray(event)) throw invalidStreamEvent(provider, 'a stream event that is not a JSON object');
  // A named event of an unknown shape is let through, for the mapper to skip as it skips unknown
  // event types; an unnamed one must name its own type, or it is not an Anthropic event at all.
  if (frame.event === undefined && typeof (event as { type?: unknown }).type !== 'string') {
    throw invalidStreamEvent(provider, 'a stream event with no type');
  }
  return event as AnthropicStreamEvent;
}

/** Maps a whole event stream; any failure comes out as a `GatewayError`. */
export async function* toChatStreamParts(
  events: AsyncIterable<AnthropicStreamEvent>,
  { provider, model, signal, contentType, bytesReceived }: StreamOptions,
): AsyncGenerator<ChatStreamPart> {
  const mapper = new AnthropicStreamMapper(provider, model);
  let count = 0;
  try {
    for await (const event of events) {
      count++;
      yield* mapper.map(event);
    }
    // An event source that ends quietly when the caller aborts has not delivered a complete answer.
    if (signal?.aborted) throw signal.reason ?? new Error('aborted');
    if (mapper.finished) return;
    const usage = mapper.reportedUsage();
    if (usage) yield usage;
    throw streamEndedEarly(provider, { events: count, bytes: bytesReceived?.() ?? count, contentType, terminal: 'message_stop' });
  } catch (error) {
    throw toGatewayError(provider, error, signal);
  }
}
