/**
 * @module providers/anthropic/stream
 * Anthropic stream events → `ChatStreamPart`s. Anthropic sends message_start (id, model, input
 * usage) → per content block: content_block_start, content_block_delta*, content_block_stop →
 * message_delta (stop reason, cumulative output usage) → message_stop, with `ping`s anywhere.
 * OpenAI clients expect: a first chunk with the role, content and tool-call deltas (a tool call's
 * first chunk names it; later ones carry only `index` and argument pieces), a last chunk with
 * `finish_reason`; then, for metering, the usage once.
 *
 * `anthropicChatStream` reads the response body (SSE `event:` + `data:` frames) as those events:
 * `ping`s are skipped, every other frame's `data` must be one JSON event (a frame without an event
 * name too, if it has data: it must then name its `type`), and `event: error` is an error whatever
 * its data says. A stream is complete only with `message_stop`: one that closes before it (cut
 * off, an HTML page, nothing at all) is an upstream error, billed for the usage reported so far.
 * @see https://docs.anthropic.com/en/docs/build-with-claude/streaming
 */
import { SseDecoder, type SseEvent } from '../shared/sse-decoder.js';
import { invalidStreamEvent, streamEndedEarly } from '../shared/stream-errors.js';
import { toOpenAIUsage } from '../shared/openai-usage.js';
import type { ChatStreamPart, NormalizedUsage } from '../types.js';
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

const textDeltaHead = '{"type":"content_block_delta","index":';
const textDeltaMiddle = ',"delta":{"type":"text_delta","text":"';
const isDigit = (code: number) => code >= 0x30 && code <= 0x39;

/**
 * Holds what one stream has said so far; `map` writes the OpenAI chunks each event completes as
 * JSON text, byte for byte what `JSON.stringify` makes of the chunk objects (keys in the same
 * order; every value from upstream goes through `JSON.stringify`), and they travel as `raw` parts
 * (see `anthropicChatStream`): the SSE encoder writes them as they are, with the client's model
 * name swapped in, instead of serialising one chunk object per event.
 */
export class AnthropicChunkWriter {
  private id: unknown = '';
  private model: unknown;
  private readonly created = Math.floor(Date.now() / 1000);
  /** Anthropic block index → OpenAI tool call index (0, 1, 2… among tool calls only). */
  private readonly toolIndexes = new Map<number, number>();
  private startUsage: AnthropicUsage | null | undefined;
  private deltaUsage: AnthropicUsage | null | undefined;
  private stopReason: string | null | undefined;
  /** Every chunk's text up to its delta; rebuilt when message_start names the id and model. */
  private head: string | undefined;
  /** What follows the delta: `finish_reason`, `logprobs`, and `"usage":null` when the client asked for usage (as the SSE encoder adds it to chunk objects). */
  private readonly usageNull: string;
  /** The id and model of the first chunk: the SSE encoder builds the usage chunk from them. */
  private identity: { id: unknown; model: unknown } | undefined;
  /** `message_stop` arrived: the message is complete. */
  finished = false;

  constructor(
    private readonly provider: string,
    model: string,
    private readonly includeUsage = false,
  ) {
    this.model = model;
    this.usageNull = includeUsage ? ',"usage":null}' : '}';
  }

  /** Appends the chunks `event` completes to `out`; returns the usage part once the message is complete. */
  map(event: AnthropicStreamEvent, out: string[]): ChatStreamPart | undefined {
    if (this.finished) return undefined;
    switch (event.type) {
      case 'message_start':
        this.id = event.message?.id ?? this.id;
        this.model = event.message?.model ?? this.model;
        this.startUsage = event.message?.usage;
        this.head = undefined;
        out.push(this.chunk('{"role":"assistant","content":""}'));
        return undefined;
      case 'content_block_start':
        this.onBlockStart(event, out);
        return undefined;
      case 'content_block_delta':
        this.onBlockDelta(event, out);
        return undefined;
      case 'message_delta':
        this.stopReason = event.delta?.stop_reason ?? this.stopReason;
        this.deltaUsage = event.usage ?? this.deltaUsage;
        return undefined;
      case 'message_stop':
        this.finished = true;
        out.push(this.chunk('{}', JSON.stringify(mapFinishReason(this.stopReason))));
        return this.usagePart(normalizeAnthropicUsage(mergeStreamUsage(this.startUsage, this.deltaUsage)));
      case 'error':
        throw anthropicErrorFromPayload(this.provider, event);
      // ping, content_block_stop, and event types newer than this code carry nothing for OpenAI.
      default:
        return undefined;
    }
  }

  /**
   * The most common event, `{"type":"content_block_delta","index":N,"delta":{"type":"text_delta","text":"…"}}`
   * exactly as Anthropic writes it, with text that has no escape in it: its chunk is written
   * without parsing the event, the text spliced as it came (with no `\\`, `"` or control
   * character in it, it is what `JSON.stringify` would write). False for anything else, which is
   * then parsed and mapped as any event (and refused if it is not JSON).
   */
  plainTextDelta(data: string, out: string[]): boolean {
    if (this.finished || !data.startsWith(textDeltaHead)) return false;
    let at = textDeltaHead.length;
    const digits = at;
    while (isDigit(data.charCodeAt(at))) at++;
    // No index, or one with a leading zero (not JSON): parsed, and refused there.
    if (at === digits || (at - digits > 1 && data.charCodeAt(digits) === 0x30)) return false;
    if (!data.startsWith(textDeltaMiddle, at) || !data.endsWith('"}}')) return false;
    const textStart = at + textDeltaMiddle.length;
    const textEnd = data.length - 3;
    if (textEnd < textStart) return false;
    for (let index = textStart; index < textEnd; index++) {
      const code = data.charCodeAt(index);
      if (code === 0x22 || code === 0x5c || code < 0x20) return false;
    }
    if (textEnd > textStart) out.push(this.chunk(`{"content":"${data.slice(textStart, textEnd)}"}`));
    return true;
  }

  /**
   * The usage of a stream that stopped before `message_stop`, once `message_delta` has reported
   * the output count: what was generated is billed as reported rather than estimated.
   */
  reportedUsage(): ChatStreamPart | undefined {
    if (this.finished || this.deltaUsage == null) return undefined;
    return this.usagePart(normalizeAnthropicUsage(mergeStreamUsage(this.startUsage, this.deltaUsage)));
  }

  private onBlockStart(event: AnthropicStreamEvent, out: string[]): void {
    const block = event.content_block;
    if (block?.type === 'text' && block.text) {
      out.push(this.chunk(`{"content":${JSON.stringify(block.text)}}`));
      return;
    }
    if (block?.type !== 'tool_use') return;
    const index = this.toolIndexes.size;
    this.toolIndexes.set(event.index ?? -1, index);
    const input = block.input;
    // The API sends `{}` here and the input as deltas; a complete input is sent as is.
    const initial = input && typeof input === 'object' && Object.keys(input).length > 0 ? JSON.stringify(input) : '';
    const call = `{"index":${index},"id":${JSON.stringify(block.id ?? '')},"type":"function","function":{"name":${JSON.stringify(block.name ?? '')},"arguments":${JSON.stringify(initial)}}}`;
    out.push(this.chunk(`{"tool_calls":[${call}]}`));
  }

  private onBlockDelta(event: AnthropicStreamEvent, out: string[]): void {
    const delta = event.delta;
    switch (delta?.type) {
      case 'text_delta':
        if (delta.text) out.push(this.chunk(`{"content":${JSON.stringify(delta.text)}}`));
        return;
      case 'input_json_delta': {
        const index = this.toolIndexes.get(event.index ?? -1);
        if (index === undefined || !delta.partial_json) return;
        out.push(this.chunk(`{"tool_calls":[{"index":${index},"function":{"arguments":${JSON.stringify(delta.partial_json)}}}]}`));
        return;
      }
      // thinking_delta, signature_delta, citations_delta: not part of an OpenAI message.
      default:
        return;
    }
  }

  /** One chunk: `{id, object, created, model, choices: [{index, delta, finish_reason, logprobs}]}`, then `usage: null` if asked for. */
  private chunk(delta: string, finishReason = 'null'): string {
    if (this.head === undefined) {
      this.identity ??= { id: this.id, model: this.model };
      this.head = `{"id":${JSON.stringify(this.id)},"object":"chat.completion.chunk","created":${this.created},"model":${JSON.stringify(this.model)},"choices":[{"index":0,"delta":`;
    }
    return `${this.head}${delta},"finish_reason":${finishReason},"logprobs":null}]${this.usageNull}`;
  }

  /**
   * The usage part, with the usage chunk's JSON when the client asked for usage: what the SSE
   * encoder builds from the first chunk's identity, which it never sees in `raw` parts. Without
   * a chunk before it there is no identity, and no usage chunk, as before.
   */
  private usagePart(usage: NormalizedUsage): ChatStreamPart {
    if (!this.includeUsage || this.identity === undefined) return { type: 'usage', usage };
    const { id, model } = this.identity;
    const json = JSON.stringify({ id, created: this.created, model, object: 'chat.completion.chunk', choices: [], usage: toOpenAIUsage(usage) });
    return { type: 'usage', usage, json };
  }
}

export interface StreamOptions {
  provider: string;
  /** Reported until message_start names the model. */
  model: string;
  signal?: AbortSignal;
  /** The answer's content type, to say what came instead of a stream. */
  contentType?: string;
}

/** How one stream's parts are made, beside the provider and model: the decoder and the client's `stream_options`. */
export interface AnthropicStreamOptions extends StreamOptions {
  /** The bounded decoder the bytes go through (see `upstreamSseDecoder`); its byte count tells an empty body from a cut one. */
  decoder?: SseDecoder;
  /** The client asked for usage (`stream_options.include_usage`): chunks carry `"usage":null`, and a usage chunk follows. */
  includeUsage?: boolean;
}

/**
 * An SSE body → `ChatStreamPart`s, in one loop: the chunks of the events that arrived in one
 * network read travel together as one `raw` part (one write on the way out, not one per event),
 * the usage part follows the last chunk. Any failure comes out as a `GatewayError`, after the
 * chunks of the events before it.
 */
export async function* anthropicChatStream(body: AsyncIterable<Uint8Array>, options: AnthropicStreamOptions): AsyncGenerator<ChatStreamPart> {
  const { provider, signal, contentType } = options;
  const decoder = options.decoder ?? new SseDecoder();
  const writer = new AnthropicChunkWriter(provider, options.model, options.includeUsage);
  let batch: string[] = [];
  let usage: ChatStreamPart | undefined;
  let count = 0;
  const translate = (frame: SseEvent): void => {
    if (frame.event === 'content_block_delta' && writer.plainTextDelta(frame.data, batch)) {
      count++;
      return;
    }
    const event = toStreamEvent(provider, frame);
    if (!event) return;
    count++;
    usage = writer.map(event, batch) ?? usage;
  };
  let first = true;
  /** What the events so far completed: their chunks, then the usage once the message is complete. */
  const takeParts = (): ChatStreamPart[] => {
    const parts: ChatStreamPart[] = batch.length > 0 ? [{ type: 'raw', events: batch }] : [];
    if (batch.length > 0) batch = [];
    if (usage) parts.push(usage);
    usage = undefined;
    return parts;
  };
  try {
    for await (const bytes of body) {
      const frames = decoder.push(bytes);
      for (let index = 0; index < frames.length; index++) {
        translate(frames[index]!);
        // The stream's first chunk leaves on its own: the client's first byte does not wait for
        // the rest of the read to be translated.
        if (first && batch.length > 0) {
          first = false;
          yield* takeParts();
        }
      }
      if (batch.length > 0 || usage) yield* takeParts();
    }
    for (const frame of decoder.end()) translate(frame);
    yield* takeParts();
    // An event source that ends quietly when the caller aborts has not delivered a complete answer.
    if (signal?.aborted) throw signal.reason ?? new Error('aborted');
    if (writer.finished) return;
    const reported = writer.reportedUsage();
    if (reported) yield reported;
    throw streamEndedEarly(provider, { events: count, bytes: decoder.bytesReceived, contentType, terminal: 'message_stop' });
  } catch (error) {
    // What the events before the failure completed is the client's: it leaves first.
    yield* takeParts();
    throw toGatewayError(provider, error, signal);
  }
}

/** One SSE frame → an Anthropic event, or undefined for a ping or an empty frame. */
export function toStreamEvent(provider: string, frame: SseEvent): AnthropicStreamEvent | undefined {
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
