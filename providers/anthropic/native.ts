/**
 * @module providers/anthropic/native
 * Anthropic Messages in, Anthropic Messages out: when the client itself spoke the Messages API
 * (`CallContext.native`), the upstream receives the client's bytes with only `model` changed,
 * and the client's `anthropic-version`/`anthropic-beta` (the body is written for them). The
 * answer goes back as it came — thinking blocks, citations, server tools and all — while the
 * usage is read on the way for metering: from the JSON answer, or from a stream's
 * `message_start` and `message_delta` events.
 */
import { GatewayError } from '../../src/errors/gateway-error.js';
import { SseDecoder, type SseEvent } from '../shared/sse-decoder.js';
import type { ChatStreamPart, NativeRequest } from '../types.js';
import { anthropicErrorFromPayload, errorEventPayload } from './errors.js';
import { mergeStreamUsage, normalizeAnthropicUsage, type AnthropicUsage } from './usage.js';

export function nativeHeaders(headers: Record<string, string>, native: NativeRequest): Record<string, string> {
  return { ...headers, ...native.headers };
}

/** The upstream's SSE body → native parts as they arrive, then the usage; an `error` event is thrown. */
export async function* nativeAnthropicStream(provider: string, body: AsyncIterable<Uint8Array>): AsyncGenerator<ChatStreamPart> {
  const decoder = new SseDecoder();
  const usage = new UsageWatcher();
  for await (const bytes of body) {
    for (const frame of decoder.push(bytes)) yield watch(provider, frame, usage);
  }
  for (const frame of decoder.end()) yield watch(provider, frame, usage);
  if (!usage.stopped) {
    throw new GatewayError(502, `${provider}: the stream ended before the message was complete`, { type: 'upstream_error', code: 'upstream_stream_incomplete' });
  }
  yield { type: 'usage', usage: normalizeAnthropicUsage(mergeStreamUsage(usage.start, usage.delta)) };
}

function watch(provider: string, frame: SseEvent, usage: UsageWatcher): ChatStreamPart {
  if (frame.event === 'error') throw anthropicErrorFromPayload(provider, errorEventPayload(frame.data));
  usage.see(frame);
  return { type: 'native', event: frame.event, data: frame.data };
}

/** Reads only the events that carry usage (a substring test first: text deltas are never parsed). */
class UsageWatcher {
  start: AnthropicUsage | undefined;
  delta: AnthropicUsage | undefined;
  stopped = false;

  see(frame: SseEvent): void {
    switch (frame.event) {
      case 'message_start':
        this.start = parse<{ message?: { usage?: AnthropicUsage } }>(frame.data)?.message?.usage;
        return;
      case 'message_delta':
        this.delta = parse<{ usage?: AnthropicUsage }>(frame.data)?.usage ?? this.delta;
        return;
      case 'message_stop':
        this.stopped = true;
        return;
      default:
        return;
    }
  }
}

function parse<T>(data: string): T | undefined {
  try {
    return JSON.parse(data) as T;
  } catch {
    return undefined;
  }
}
