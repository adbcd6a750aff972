/**
 * @module providers/openai/stream
 * Passes an OpenAI-shaped SSE stream through. Each event's JSON is forwarded as the upstream wrote
 * it, and the events of one network read travel together as one part (one socket write on the
 * way out, not one per event). Only events that may carry usage or an error are parsed (a
 * substring test decides); every other event is checked to be one JSON object without being
 * parsed (`json-object-check.ts`), so a broken upstream's `data: {this is not json}` never reaches
 * a client; a content chunk shaped like the last one checked is recognised by its shape instead
 * (`chunk-template.ts`), with the same outcome. The stream must end with `data: [DONE]`: a body that closes without it (cut off, an
 * HTML page served as `text/event-stream`, nothing at all) is an upstream error, not a success.
 */
import { isJsonObjectText } from '../shared/json-object-check.js';
import { ChunkTemplate } from './chunk-template.js';
import { fromOpenAIUsage } from '../shared/openai-usage.js';
import type { SseDecoder } from '../shared/sse-decoder.js';
import { invalidStreamEvent, streamEndedEarly } from '../shared/stream-errors.js';
import type { ChatStreamPart } from '../types.js';
import { openAIHttpError } from './errors.js';

export interface PassThroughOptions {
  provider: string;
  /** The bounded decoder the bytes go through (see `upstreamSseDecoder`). */
  decoder: SseDecoder;
  /** The answer's content type, to say what came instead of a stream. */
  contentType?: string;
}

export async function* passThroughChatStream(body: AsyncIterable<Uint8Array>, { provider, decoder, contentType }: PassThroughOptions): AsyncGenerator<ChatStreamPart> {
  let batch: string[] = [];
  let events = 0;
  const template = new ChunkTemplate();
  const takeBatch = (): ChatStreamPart => {
    const part: ChatStreamPart = { type: 'raw', events: batch };
    batch = [];
    return part;
  };
  for await (const bytes of body) {
    for (const data of decoder.pushData(bytes)) {
      if (data === '[DONE]') {
        if (batch.length > 0) yield takeBatch();
        return;
      }
      if (data.length === 0) continue;
      events++;
      if (template.matches(data)) {
        batch.push(data);
        continue;
      }
      if (!mayCarryUsageOrError(data)) {
        if (isJsonObjectText(data)) {
          template.learn(data);
          batch.push(data);
          continue;
        }
        // What came before the bad event is the client's: it leaves first, then the error.
        if (batch.length > 0) yield takeBatch();
        throw invalidStreamEvent(provider);
      }
      if (batch.length > 0) yield takeBatch();
      yield* inspectChunk(provider, data);
    }
    if (batch.length > 0) yield takeBatch();
  }
  for (const { data } of decoder.end()) {
    if (data === '[DONE]') return;
    if (data.length === 0) continue;
    events++;
    yield* inspectChunk(provider, data);
  }
  throw streamEndedEarly(provider, { events, bytes: decoder.bytesReceived, contentType, terminal: 'data: [DONE]' });
}

export function mayCarryUsageOrError(data: string): boolean {
  if (data.includes('"error"')) return true;
  const usageAt = data.indexOf('"usage"');
  return usageAt !== -1 && !data.startsWith('"usage":null', usageAt);
}

interface WireChunk {
  error?: unknown;
  usage?: Parameters<typeof fromOpenAIUsage>[0] | null;
  choices?: unknown[];
}

function* inspectChunk(provider: string, data: string): Generator<ChatStreamPart> {
  let chunk: WireChunk;
  try {
    chunk = JSON.parse(data);
  } catch {
    throw invalidStreamEvent(provider);
  }
  if (chunk === null || typeof chunk !== 'object' || Array.isArray(chunk)) throw invalidStreamEvent(provider);
  if (chunk.error) throw openAIHttpError(provider, 502, data, null);
  if (!chunk.usage) {
    yield { type: 'raw', events: [data] };
    return;
  }
  if (typeof chunk.usage !== 'object') throw invalidStreamEvent(provider);
  const usage = fromOpenAIUsage(chunk.usage);
  // OpenAI sends usage alone in a final chunk with no choices; some compatible servers put it on
  // the last content chunk instead, which must still reach the client.
  if (chunk.choices && chunk.choices.length > 0) {
    yield { type: 'raw', events: [data] };
    yield { type: 'usage', usage, inline: true };
  } else {
    yield { type: 'usage', usage, json: data };
  }
}

