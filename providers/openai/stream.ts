/**
 * @module providers/openai/stream
 * Passes an OpenAI-shaped SSE stream through. Each event's JSON is forwarded as the upstream wrote
 * it, and the events of one network read travel together as one part (one socket write on the
 * way out, not one per event). Only events that may carry usage or an error are parsed (a
 * substring test decides), so the per-event cost is one search, not a JSON round trip.
 */
import { GatewayError } from '../../src/errors/gateway-error.js';
import { fromOpenAIUsage } from '../shared/openai-usage.js';
import { SseDecoder } from '../shared/sse-decoder.js';
import type { ChatStreamPart } from '../types.js';
import { openAIHttpError } from './errors.js';

export async function* passThroughChatStream(provider: string, body: AsyncIterable<Uint8Array>): AsyncGenerator<ChatStreamPart> {
  const decoder = new SseDecoder();
  let batch: string[] = [];
  const takeBatch = (): ChatStreamPart => {
    const part: ChatStreamPart = { type: 'raw', events: batch };
    batch = [];
    return part;
  };
  for await (const bytes of body) {
    for (const { data } of decoder.push(bytes)) {
      if (data === '[DONE]') {
        if (batch.length > 0) yield takeBatch();
        return;
      }
      if (data.length === 0) continue;
      if (!mayCarryUsageOrError(data)) {
        batch.push(data);
        continue;
      }
      if (batch.length > 0) yield takeBatch();
      yield* inspectChunk(provider, data);
    }
    if (batch.length > 0) yield takeBatch();
  }
  for (const { data } of decoder.end()) {
    if (data !== '[DONE]' && data.length > 0) yield* inspectChunk(provider, data);
  }
}

function mayCarryUsageOrError(data: string): boolean {
  if (data.includes('"error"')) return true;
  const usageAt = data.indexOf('"usage"');
  return usageAt !== -1 && !data.startsWith('"usage":null', usageAt);
}

function* inspectChunk(provider: string, data: string): Generator<ChatStreamPart> {
  let chunk: { error?: unknown; usage?: Parameters<typeof fromOpenAIUsage>[0] | null; choices?: unknown[] };
  try {
    chunk = JSON.parse(data);
  } catch {
    throw new GatewayError(502, `${provider} sent a stream event that is not JSON`, { type: 'upstream_error', code: 'upstream_invalid_response' });
  }
  if (chunk.error) throw openAIHttpError(provider, 502, data, null);
  if (!chunk.usage) {
    yield { type: 'raw', events: [data] };
    return;
  }
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
