/**
 * @module server/protocol-stream
 * The streamed answer of a call in another protocol (Anthropic Messages, OpenAI Responses, Gemini,
 * legacy completions): the same pull loop as the chat SSE (`pull-stream.ts`: one part per read,
 * nothing buffered, the upstream aborted when the client leaves) and the same bookkeeping for the
 * metered call (usage seen, content forwarded for estimates, how the stream ended), with the
 * protocol's own encoder writing the events.
 */
import type { ChatStreamPart, NormalizedUsage } from '../../providers/types.js';
import type { GatewayError } from '../errors/gateway-error.js';
import type { ServerResponse } from 'node:http';
import { streamBody } from './node-stream-body.js';
import { sseHeaders, type StreamOutcome, type StreamSummary } from './sse-response.js';

/** Writes one protocol's stream: every part (usage parts too) in order, then how it ended. */
export interface StreamEncoder {
  /** The text for a part; undefined sends nothing. */
  part(part: ChatStreamPart): string | undefined;
  /** The parts ended: the closing events; `costComment` is an SSE comment line to place among them. */
  end(costComment: string): string;
  /** The parts failed: the error event(s) to close with. */
  error(error: GatewayError): string;
}

export interface ProtocolStreamOptions {
  headers?: Record<string, string>;
  contentType?: string;
  onFirstByte?: () => void;
  /** Node's response when served by the Node adapter (`nodeOutgoing`, node-objects.ts): the events are then written to it directly. */
  outgoing?: ServerResponse;
  /** Called exactly once when the stream ends; on completion, a returned string becomes the cost comment. */
  onFinish: (summary: StreamSummary) => string | void | Promise<string | void>;
}

export function protocolStreamResponse(parts: AsyncIterable<ChatStreamPart>, encoder: StreamEncoder, options: ProtocolStreamOptions): Response {
  let usage: NormalizedUsage | null = null;
  const forwarded: ChatStreamPart[] = [];
  const summary = (outcome: StreamOutcome, error?: GatewayError): StreamSummary => ({ outcome, usage, error, forwarded });
  const body = streamBody(parts, {
    encode: (part) => {
      if (part.type === 'usage') usage = part.usage;
      else forwarded.push(part);
      return encoder.part(part);
    },
    firstByte: options.onFirstByte,
    end: async () => {
      const trailer = await options.onFinish(summary('completed'));
      return encoder.end(trailer ? `: ${trailer}\n\n` : '');
    },
    fail: (error) => {
      void options.onFinish(summary(error.code === 'client_closed_request' ? 'client_closed' : 'failed', error));
      return encoder.error(error);
    },
    cancel: () => void options.onFinish(summary('client_closed')),
  }, options.outgoing);
  const contentType = options.contentType ? { 'content-type': options.contentType } : {};
  return new Response(body, { status: 200, headers: { ...sseHeaders, ...contentType, ...options.headers } });
}
