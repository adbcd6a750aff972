/**
 * @module server/sse-response
 * Turns a provider's stream of parts into the SSE body the OpenAI SDK expects, pulling one part at
 * a time so bytes leave as they arrive and nothing is buffered. It applies the client's
 * `stream_options.include_usage` (Tollgate always asks upstream for usage; the client sees the
 * usage chunk only if it asked), writes an upstream failure as `data: {"error": ...}`, ends with
 * `data: [DONE]`, and aborts the upstream when the client goes away.
 */
import type { ChatCompletionChunk } from '../../schemas/openai-chat.js';
import { toOpenAIUsage } from '../../providers/shared/openai-usage.js';
import type { ChatStreamPart, NormalizedUsage } from '../../providers/types.js';
import { ForwardedSample } from '../calls/forwarded-sample.js';
import type { GatewayError } from '../errors/gateway-error.js';
import { describeError } from '../errors/render-error.js';
import { logger } from '../logging/logger.js';
import type { ServerResponse } from 'node:http';
import { streamBody } from './node-stream-body.js';
import type { PullStreamHandlers } from './pull-stream.js';
import { ModelRenamer } from './public-model.js';

export type StreamOutcome = 'completed' | 'failed' | 'client_closed';

export interface StreamSummary {
  outcome: StreamOutcome;
  usage: NormalizedUsage | null;
  error?: GatewayError;
  /** The content parts forwarded so far (a bounded sample), kept so usage can be estimated when the upstream sent none. */
  forwarded: ChatStreamPart[];
  /** The output estimate of `forwarded` times this is the whole stream's (see `ForwardedSample`). */
  outputScale?: number;
  /** Nothing at all was forwarded. */
  nothingForwarded?: boolean;
}

export interface SseResponseOptions {
  includeUsage: boolean;
  /** The model name the client asked for, shown as every chunk's `model` (see `public-model.ts`). */
  publicModel?: string;
  headers?: Record<string, string>;
  /** Node's response when served by the Node adapter (`nodeOutgoing(context.env)`, node-objects.ts): the body is then written to it directly. */
  outgoing?: ServerResponse;
  /** Called when the first byte is about to leave. */
  onFirstByte?: () => void;
  /**
   * Called exactly once, when the stream ends for whatever reason. On a completed stream, a string
   * it returns is written as an SSE comment line just before `[DONE]` (comments are ignored by
   * SSE clients, but visible to anyone reading the stream, e.g. the call's cost).
   */
  onFinish?: (summary: StreamSummary) => string | void | Promise<string | void>;
}

export const sseHeaders = {
  'content-type': 'text/event-stream; charset=utf-8',
  'cache-control': 'no-cache',
  // Tells nginx-style proxies in front of Tollgate not to buffer the stream.
  'x-accel-buffering': 'no',
  // Declared up front so the Node adapter writes the headers and first event at once: without it,
  // it reads ahead hoping to compute a content-length and waits a timer tick when the second
  // read is not ready yet — a millisecond added to every stream's first byte.
  'transfer-encoding': 'chunked',
};

export function sseResponse(parts: AsyncIterable<ChatStreamPart>, options: SseResponseOptions): Response {
  let identity: Pick<ChatCompletionChunk, 'id' | 'created' | 'model' | 'system_fingerprint'> | undefined;
  let usage: NormalizedUsage | null = null;
  const forwarded = new ForwardedSample();
  const summary = (outcome: StreamOutcome, error?: GatewayError): StreamSummary => ({
    outcome,
    usage,
    error,
    forwarded: forwarded.parts,
    outputScale: forwarded.outputScale,
    nothingForwarded: forwarded.empty,
  });
  const renamer = options.publicModel === undefined ? undefined : new ModelRenamer(options.publicModel);
  const rename = (json: string) => (renamer ? renamer.rename(json) : json);

  const encodePart = (part: ChatStreamPart): string | undefined => {
    switch (part.type) {
      case 'raw': {
        const text = part.events.length === 1 ? `data: ${rename(part.events[0])}\n\n` : part.events.map((json) => `data: ${rename(json)}\n\n`).join('');
        forwarded.add(part, text.length);
        return text;
      }
      case 'chunk': {
        if (options.publicModel !== undefined) part.chunk.model = options.publicModel;
        identity ??= { id: part.chunk.id, created: part.chunk.created, model: part.chunk.model };
        if (options.includeUsage && part.chunk.usage === undefined) part.chunk.usage = null;
        const text = `data: ${JSON.stringify(part.chunk)}\n\n`;
        forwarded.add(part, text.length);
        return text;
      }
      case 'usage':
        usage = part.usage;
        if (!options.includeUsage || part.inline) return undefined;
        if (part.json) return `data: ${rename(part.json)}\n\n`;
        if (!identity) return undefined;
        return `data: ${JSON.stringify({ ...identity, object: 'chat.completion.chunk', choices: [], usage: toOpenAIUsage(part.usage) })}\n\n`;
      case 'native':
        // Only asked for by a route of another protocol (see `CallContext.native`), never by this one.
        throw new Error('a native stream part reached the OpenAI chat encoder');
      default: {
        const unknownPart: never = part;
        throw new Error(`unknown stream part ${JSON.stringify(unknownPart)}`);
      }
    }
  };

  // Called once however the stream ends; a failure in it is logged, never left unhandled.
  let finished = false;
  const finish = async (finalSummary: StreamSummary): Promise<string | void> => {
    if (finished) return;
    finished = true;
    try {
      return await options.onFinish?.(finalSummary);
    } catch (error) {
      logger.error('settling a stream failed', { error: describeError(error) });
    }
  };

  const handlers: PullStreamHandlers<ChatStreamPart> = {
    encode: encodePart,
    firstByte: options.onFirstByte,
    end: async () => {
      const trailer = await finish(summary('completed'));
      return `${trailer ? `: ${trailer}\n\n` : ''}data: [DONE]\n\n`;
    },
    fail: (error) => {
      void finish(summary(error.code === 'client_closed_request' ? 'client_closed' : 'failed', error));
      return `data: ${JSON.stringify(error.toBody())}\n\n`;
    },
    cancel: () => void finish(summary('client_closed')),
  };
  const body = streamBody(parts, handlers, options.outgoing);
  return new Response(body, { status: 200, headers: { ...sseHeaders, ...options.headers } });
}
